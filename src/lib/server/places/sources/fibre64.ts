/**
 * The Fibre 64 survey of Pyrénées-Atlantiques (lieux/pyrenees-atlantiques-64-fibre64.json):
 * the survey's columns (accents stripped) plus the columns of an address geocoding
 * (`latitude`, `longitude`, `result_*`, `result_citycode` = INSEE code). Ticked answers are "X".
 */
import type { ParsedFile, Rejection } from '../types.ts';
import {
	PIVOT_UNKNOWN,
	WARN_NO_PIVOT,
	addAll,
	clean,
	cleanText,
	compact,
	coordinate,
	foldKey,
	inseeCode,
	joinList,
	padCode,
	splitList,
	stableId,
	jsonObjectRows,
	numbered,
	type AdapterContext,
	type SourceRecordWithExtra
} from './common.ts';
import { detectFrais, detectPublics } from './mappings.ts';

/** date_maj when nothing dates the survey: « unknown », as the national files write it */
const UNKNOWN_DATE = '1970-01-01';

export const FIBRE64_SOURCE = 'fibre64';
export const FIBRE64_COLUMNS = ['Nomdelastructure', 'Enlibreacces', 'result_citycode'] as const;

/** Activity columns (answer: Souvent / De temps en temps / Exceptionnellement / Pas du tout). */
const ACTIVITIES: [column: string, label: string, services: string[]][] = [
	['Demarchesadministratives', 'Demarches administratives', ['Aide aux démarches administratives']],
	[
		'InitiationaunumeriqueFormationApprentissagePerfectionnement',
		'Initiation au numerique : Formation - Apprentissage - Perfectionnement',
		['Maîtrise des outils numériques du quotidien']
	],
	['Accesadesequipementsetuneconnexioninternet', 'Acces a des equipements et une connexion internet', ['Accès internet et matériel informatique']],
	// accompanying professionals (shopkeepers, small firms): no v1 service
	['Accompagnementdeprofessionnels', 'Accompagnement de professionnels', []]
];
const MAIN_ACTIVITY = 'Monaccompagnementactiviteprincipaleuneseulereponse';
/** an activity counts when it is done at least "de temps en temps" */
const OFFERED = new Set(['souvent', 'de temps en temps']);
const TICKED_RE = /^\s*x\s*$/i;
const LOW_SCORE = 0.5;

export function parseFibre64(items: unknown[], ctx: AdapterContext): ParsedFile {
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [];
	/** id (from name and address) → first row: ids must be unique within a source */
	const seenIds = new Map<string, number>();
	// no date in the survey: the file name's, else unknown (the national files' 1970-01-01),
	// never today's: an import must not make a place look freshly checked
	const date = ctx.fileDate ?? UNKNOWN_DATE;
	const mainActivities = new Map(ACTIVITIES.map(([, label, services]) => [foldKey(label), { label, services }]));

	for (const { row, r } of jsonObjectRows(numbered(items), rejected)) {
		const ticked = (c: string) => TICKED_RE.test(String(r[c] ?? ''));
		const nom = clean(r['Nomdelastructure']);
		const adresse = clean(r['Adressenumeronomdelavoie']);
		const codePostal = padCode(r['Codepostal']) ?? padCode(r['result_postcode']);
		const commune = clean(r['result_city']) ?? clean(r['Ville']);
		const reasons: string[] = [];
		if (!nom) reasons.push('nom absent');
		if (!adresse) reasons.push('adresse absente');
		if (!commune && !codePostal) reasons.push('commune absente');
		if (reasons.length) {
			rejected.push({ row, reasons });
			continue;
		}
		const sourceId = stableId(nom!, adresse, codePostal);
		const firstRow = seenIds.get(sourceId);
		if (firstRow !== undefined) {
			rejected.push({ row, sourceId, reasons: [`doublon de la ligne ${firstRow} (même nom, même adresse)`] });
			continue;
		}
		seenIds.set(sourceId, row);
		const warnings: string[] = [WARN_NO_PIVOT];
		if (!ctx.fileDate) warnings.push('date de mise à jour absente de l’enquête et du nom du fichier : date inconnue');

		// services
		const services: string[] = [];
		for (const [column, label, mapped] of ACTIVITIES) {
			const answer = foldKey(String(r[column] ?? ''));
			if (!OFFERED.has(answer)) continue;
			if (mapped.length) addAll(services, mapped);
			else {
				warnings.push(`activité « ${label} » sans équivalent dans les services du standard : non reprise`);
				ctx.fidelity.dropped(column, label, 'sans équivalent dans les services du standard');
			}
		}
		const main = clean(r[MAIN_ACTIVITY]);
		if (main) {
			const t = mainActivities.get(foldKey(main));
			if (t?.services.length) addAll(services, t.services);
			else if (!t) {
				warnings.push(`activité principale « ${main} » non reconnue : non reprise`);
				ctx.fidelity.dropped(MAIN_ACTIVITY, main, 'activité non reconnue');
			}
		}

		// access and accompaniment
		const telephone = clean(r['Telephone']);
		const email = clean(r['Adressemail']);
		const acces: string[] = [];
		const accompagnement: string[] = [];
		if (ticked('Enlibreacces')) acces.push('Se présenter');
		if (ticked('Surrendezvousinscription')) {
			if (telephone) acces.push('Téléphoner');
			if (email) acces.push('Contacter par mail');
			if (!telephone && !email) {
				warnings.push('accueil sur rendez-vous mais ni téléphone ni courriel : modalité d’accès non reprise');
				ctx.fidelity.dropped('Surrendezvousinscription', 'sur rendez-vous', 'ni téléphone ni courriel pour prendre rendez-vous');
			}
		}
		if (ticked('Individuellement')) accompagnement.push('Accompagnement individuel');
		if (ticked('Collectivement')) accompagnement.push('Dans un atelier collectif');
		if (ticked('Adomicilesouscertainesconditions')) {
			warnings.push('accompagnement à domicile (sous conditions) : pas d’équivalent dans le standard');
			ctx.fidelity.dropped('Adomicilesouscertainesconditions', 'à domicile (sous conditions)', 'pas d’équivalent dans le standard');
		}

		// publics
		const publics: string[] = [];
		const priseEnCharge: string[] = [];
		const precise = clean(r['Precisezsiaccueildepublicspecifique']);
		if (precise) {
			const found = detectPublics(precise);
			for (const t of found) {
				if (t.field === 'publics_specifiquement_adresses') addAll(publics, [t.value]);
				else if (t.field === 'prise_en_charge_specifique') addAll(priseEnCharge, [t.value]);
			}
			if (!found.length) {
				warnings.push(`public spécifique « ${precise} » sans équivalent dans le standard : non repris`);
				ctx.fidelity.dropped('Precisezsiaccueildepublicspecifique', 'texte libre', 'aucun public du standard reconnu');
			}
		}

		// fees and hours (free text)
		const tarifs = cleanText(r['Lestarifsdemastructure']);
		let frais: string[] = [];
		if (tarifs) {
			frais = detectFrais(tarifs).values;
			if (!frais.length) warnings.push(`tarifs « ${oneLine(tarifs)} » non reconnus : frais à charge non renseignés`);
		}
		const horaires = cleanText(r['Leshorairesdemastructure']);
		if (horaires) warnings.push(`horaires en texte libre, non convertis : « ${oneLine(horaires)} »`);

		// position
		const latitude = coordinate(r['latitude']);
		const longitude = coordinate(r['longitude']);
		const resultType = clean(r['result_type']);
		const score = Number(r['result_score']);
		const locationPrecision = resultType === 'municipality' ? 'municipality' : 'address';
		if (resultType === 'municipality') warnings.push('adresse géocodée à la commune seulement');
		else if (Number.isFinite(score) && score < LOW_SCORE) warnings.push(`géocodage de l’adresse incertain (score ${score.toFixed(2)})`);

		const epci = clean(r['EPCI']);
		records.push({
			row,
			source: FIBRE64_SOURCE,
			sourceId,
			record: compact({
				id: sourceId,
				pivot: PIVOT_UNKNOWN,
				nom,
				commune,
				code_postal: codePostal,
				code_insee: inseeCode(r['result_citycode']),
				adresse,
				complement_adresse: clean(r['Complementdadresseexquartier...']),
				latitude,
				longitude,
				telephone,
				courriels: joinList(splitList(email)),
				site_web: joinList(splitList(r['SiteWeb'])),
				presentation_detail: cleanText(r['Jedecrislesactionsdinclusionnumeriquedemastructureenquelquesmots']),
				source: FIBRE64_SOURCE,
				itinerance: ticked('Enitinerance') ? 'Itinérant' : undefined,
				date_maj: date,
				services: joinList(services),
				publics_specifiquement_adresses: joinList(publics),
				prise_en_charge_specifique: joinList(priseEnCharge),
				frais_a_charge: joinList(frais),
				modalites_acces: joinList(acces),
				modalites_accompagnement: joinList(accompagnement)
			}),
			locationPrecision,
			warnings,
			...(epci ? { extra: { EPCI: epci } } : {})
		});
	}
	return { format: 'fibre64', source: FIBRE64_SOURCE, records, rejected };
}

const LINE_BREAKS_RE = /\s*\n+\s*/g;

function oneLine(s: string): string {
	const t = s.replace(LINE_BREAKS_RE, ' / ');
	return t.length > 160 ? `${t.slice(0, 157)}…` : t;
}
