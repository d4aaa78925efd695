/**
 * "Vos données enregistrées": the readable PDF of a person's record, for their right of
 * access (RGPD art. 15). It lays out the same object as the JSON export (portability),
 * section by section; an empty section says so instead of disappearing. It ends with the
 * person's rights and whom to ask.
 */
import { PdfWriter } from './pdf.ts';
import { capitalize, frenchDate, frenchDateTime } from './pdf-text.ts';
import { formatDuration, formatPhone } from '../../components/format.ts';
import { mm, type KeyValue } from './pdf-layout.ts';

/**
 * A person's record, as exported (JSON-serialisable: dates are ISO 8601 strings). Every
 * display string (status, scope, method, preferred contact, language, needs, actions) is
 * already in French.
 */
export interface RecordExport {
	format: 'maillage-dossier-v1';
	generatedAt: string;
	instanceName: string;
	/** the organisation holding the record, and how to reach it */
	holder: { organisation: string; contact?: string | null };
	person: {
		firstName: string | null;
		lastName: string | null;
		pseudonym: string | null;
		birthYear: number | null;
		commune: string | null;
		phone: string | null;
		email: string | null;
		preferredContact: string;
		language: string;
		accessibilityNeeds: string[];
		/** the free-text note on those needs (health, disability): sensitive */
		accessibilityNote?: string | null;
		createdAt: string;
		updatedAt: string;
	};
	consents: {
		purpose: string;
		scope: string[];
		withOrganisation: string | null;
		method: string;
		givenAt: string;
		status?: string;
		withdrawnAt: string | null;
	}[];
	assessments: { date: string; version: number; levels: Record<string, string>; needs: string[] }[];
	referrals: { sentAt: string; place: string; status: string; appointmentAt: string | null; reason: string }[];
	accompaniments: { date: string; place: string | null; themes: string[]; durationMinutes: number }[];
	journal: { at: string; action: string; organisation: string | null }[];
}

const NOT_GIVEN = 'Non renseigné';
const or = (v: string | number | null | undefined, fallback = NOT_GIVEN) => (v === null || v === undefined || String(v).trim() === '' ? fallback : String(v));
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

export async function recordExportPdf(data: RecordExport): Promise<Buffer> {
	const w = new PdfWriter({
		title: 'Vos données enregistrées',
		instanceName: data.instanceName,
		subject: 'Copie de vos données personnelles (droit d’accès, article 15 du RGPD)',
		footer: `${data.instanceName} · Vos données enregistrées`
	});
	const p = data.person;

	w.kicker(data.instanceName);
	w.heading('Vos données enregistrées', 1);
	w.paragraph(`Document créé le ${frenchDateTime(data.generatedAt)}.`);
	w.paragraph(
		`Voici toutes les informations enregistrées sur vous sur la plateforme ${data.instanceName}. Vous pouvez demander à les corriger ou à les effacer\u00a0: voir « Vos droits », à la fin.`
	);

	w.paragraph(`Votre dossier est tenu par\u00a0: ${data.holder.organisation}.`);

	w.heading('Votre identité', 2);
	w.keyValues([
		['Prénom', or(p.firstName)],
		['Nom', or(p.lastName)],
		['Pseudonyme', or(p.pseudonym, 'Aucun')],
		['Année de naissance', or(p.birthYear)],
		['Commune', or(p.commune)],
		['Téléphone', or(formatPhone(p.phone))],
		['Adresse e-mail', or(p.email)],
		['Pour vous contacter', or(p.preferredContact)],
		['Langue', or(p.language)],
		['Besoins particuliers', p.accessibilityNeeds.length ? p.accessibilityNeeds : 'Aucun'],
		['Note sur ces besoins', or(p.accessibilityNote, 'Aucune')],
		['Dossier créé le', frenchDate(p.createdAt)],
		['Dernière modification', frenchDate(p.updatedAt)]
	]);

	w.heading('Vos consentements', 2);
	if (!data.consents.length) w.paragraph('Aucun consentement enregistré.');
	else {
		w.paragraph('Ce que vous avez accepté de partager, et avec qui.', { withNext: true });
		for (const c of data.consents) {
			w.entry(`Consentement du ${frenchDate(c.givenAt)}`, [
				['Pour quoi', c.purpose],
				['Ce qui est partagé', c.scope.length ? c.scope : NOT_GIVEN],
				['Avec qui', or(c.withOrganisation, 'Le lieu de votre orientation')],
				['Comment', c.method],
				['Donné le', frenchDateTime(c.givenAt)],
				c.withdrawnAt
					? ['Retiré', `Oui, le ${frenchDateTime(c.withdrawnAt)}`]
					: c.status && c.status !== 'En cours'
						? ['État', c.status]
						: ['Retiré', 'Non, il est toujours valable']
			]);
		}
	}

	w.heading('Vos diagnostics', 2);
	if (!data.assessments.length) w.paragraph('Aucun diagnostic enregistré.');
	else {
		for (const a of data.assessments) {
			const levels: KeyValue[] = Object.entries(a.levels).map(([axis, level]) => [capitalize(axis), level]);
			w.entry(`Diagnostic du ${frenchDate(a.date)}`, [
				...levels,
				['Vos besoins', a.needs.length ? a.needs : 'Aucun besoin relevé'],
				['Questionnaire', `version ${a.version}`]
			]);
		}
	}

	w.heading('Vos orientations', 2);
	if (!data.referrals.length) w.paragraph('Aucune orientation enregistrée.');
	else {
		for (const r of data.referrals) {
			w.entry(`Orientation du ${frenchDate(r.sentAt)}`, [
				['Lieu', r.place],
				['État', r.status],
				['Rendez-vous', r.appointmentAt ? frenchDateTime(r.appointmentAt) : 'Aucun rendez-vous'],
				['Motif', or(r.reason)]
			]);
		}
	}

	w.heading('Vos accompagnements', 2);
	if (!data.accompaniments.length) w.paragraph('Aucun accompagnement enregistré.');
	else {
		const minutes = data.accompaniments.reduce((a, x) => a + x.durationMinutes, 0);
		w.paragraph(`${plural(data.accompaniments.length, 'accompagnement', 'accompagnements')}, ${formatDuration(minutes)} au total.`, { withNext: true });
		w.table(
			[
				{ header: 'Date', width: 25 },
				{ header: 'Lieu', width: 31 },
				{ header: 'Thèmes', width: 30 },
				{ header: 'Durée', width: 14 }
			],
			data.accompaniments.map((x) => [
				frenchDate(x.date, { weekday: false }),
				or(x.place),
				x.themes.length ? x.themes.join(', ') : NOT_GIVEN,
				formatDuration(x.durationMinutes)
			])
		);
	}

	w.heading('Qui a consulté ou modifié votre dossier', 2);
	if (!data.journal.length) w.paragraph('Aucune consultation ni modification enregistrée.');
	else {
		w.paragraph('Chaque fois qu’une personne ouvre ou change votre dossier, cela est noté ici.', { withNext: true });
		w.table(
			[
				{ header: 'Date', width: 37 },
				{ header: 'Ce qui a été fait', width: 33 },
				{ header: 'Structure', width: 30 }
			],
			data.journal.map((j) => [frenchDateTime(j.at, { weekday: false }), j.action, or(j.organisation, 'Non précisée')])
		);
	}

	// the rights: one block, on one page
	const contact = data.holder.contact?.trim();
	const rights = [
		'de corriger une information fausse ou incomplète (droit de rectification)\u00a0;',
		'd’effacer vos informations (droit à l’effacement)\u00a0;',
		'de retirer un consentement\u00a0: le partage s’arrête tout de suite\u00a0;',
		'une copie de vos informations dans un fichier, pour les donner à un autre service (droit à la portabilité).'
	];
	const before = ['Ces informations sont à vous. À tout moment, vous pouvez demander\u00a0:'];
	const after = [
		'On doit vous répondre en un mois au plus (trois mois si la demande est complexe).',
		'Sans nouvelle activité pendant 24 mois, votre nom et vos coordonnées sont effacés automatiquement.',
		'Si vous n’avez pas de réponse, ou si la réponse ne vous convient pas, vous pouvez vous plaindre auprès de la CNIL (Commission nationale de l’informatique et des libertés)\u00a0: www.cnil.fr ou 01 53 73 22 22.'
	];
	const ask = 'Pour cela, adressez-vous à la structure qui tient votre dossier\u00a0:';
	const whom: KeyValue[] = [
		['Structure', data.holder.organisation],
		['Contact', contact ?? '']
	];
	w.heading('Vos droits', 2);
	w.keep([...before, ask, ...after].reduce((a, t) => a + w.measure(t) + 6, 0) + w.bulletsHeight(rights) + w.keyValuesHeight(whom, mm(40)) + 20);
	for (const t of before) w.paragraph(t);
	w.bullets(rights);
	w.paragraph(ask);
	w.keyValues(whom, { labelWidth: mm(40) });
	for (const t of after) w.paragraph(t);

	return w.finish();
}
