/**
 * The person's own journal (Mon espace, « Journal », issue 15): every access to and
 * operation on their data — the lines about their records, their referrals and their
 * vouchers — newest first, said to them: WHO (« Vous », or the professional and their
 * structure, the place, the service itself), WHAT and WHEN. Only lines whose target is one
 * of the person's own: never another person's.
 *
 * `extraTargets` lets a capability add its own targets (the vault's documents, the
 * mandates…) with sentences of its own (`extraSentences`), without changing this file's
 * callers.
 */
import type { Database, DbOrTx } from '../db/client.ts';
import { entriesAboutPage, type AuditRow } from '../audit/index.ts';
import { memberOrganisationNames, organisationNames, userNames } from '../accounts/index.ts';
import { placeSummaries } from '../places/index.ts';
import { referralIdsOf, referralSubjects } from '../referral/index.ts';
import { personPasses } from '../pass/index.ts';
import { money, plural, str } from './words.ts';
import { VAULT_PERSON_SENTENCES } from './person-vault.ts';

export interface JournalTarget {
	targetType: string;
	ids: readonly string[];
}

/** What a sentence of the person's journal is made of. */
export interface PersonFacts {
	/** the person acted themselves */
	you: boolean;
	/** who acted, as a subject: « Paule Prescriptrice (CAF de Lot-et-Garonne) », « Le service », « Médiathèque de Nérac » */
	who: string;
	/** the place concerned (a referral's, a voucher's), « un lieu » when unknown */
	place: string;
	/** the structure named in the details (a consent's), « une structure » when unknown */
	organisation: string;
	d: Record<string, unknown>;
}

export type PersonSentence = (f: PersonFacts) => string;

/** « Vous avez » or « Paule Prescriptrice (CAF) a ». */
const has = (f: PersonFacts) => (f.you ? 'Vous avez' : `${f.who} a`);

const REFERRAL_VERBS: Record<string, string> = {
	study: 'a mis à l’étude votre orientation vers',
	accept: 'a accepté votre orientation vers',
	decline: 'a refusé votre orientation vers',
	honour: 'a noté votre venue pour votre orientation vers',
	no_show: 'a noté que vous n’êtes pas venu(e) pour votre orientation vers',
	expire: 'a clos, faute de réponse du lieu, votre orientation vers',
	withdraw: 'a annulé votre orientation vers'
};

const SIGN_IN: Record<string, string> = {
	code: 'avec un code reçu par SMS ou e-mail',
	link: 'avec votre lien',
	passkey: 'avec une clé d’accès',
	recovery: 'avec un code de votre feuille de secours'
};

/** Every action about a person the journal holds, said to them. */
export const PERSON_SENTENCES: Record<string, PersonSentence> = {
	...VAULT_PERSON_SENTENCES,
	'beneficiary.created': (f) => `${has(f)} créé votre dossier`,
	'beneficiary.updated': (f) => `${has(f)} modifié votre dossier`,
	'beneficiary.viewed': (f) => `${has(f)} consulté votre dossier`,
	'beneficiary.exported': (f) => `${has(f)} téléchargé une copie de votre dossier`,
	'beneficiary.merged': (f) => `${has(f)} réuni en un seul deux dossiers à votre nom`,
	'beneficiary.erased': (f) => `${has(f)} effacé un dossier à votre nom`,
	'beneficiary.anonymised': () => 'Un dossier à votre nom a été anonymisé, sans activité depuis 24 mois',
	'assessment.recorded': (f) => `${has(f)} enregistré votre diagnostic numérique`,
	'consent.recorded': (f) =>
		`${has(f)} noté votre accord${f.d.withOrganisationId ? ` pour partager votre dossier avec ${f.organisation}` : ' pour partager votre dossier'}`,
	'consent.withdrawn': (f) => (f.you ? 'Vous avez retiré votre accord de partage' : `${f.who} a noté le retrait de votre accord de partage`),
	'consent.requested': (f) => `${f.who} vous a demandé votre accord par SMS`,
	'consent.request_resent': (f) => `${f.who} vous a renvoyé la demande d’accord par SMS`,
	'consent.request_cancelled': (f) => `${f.who} a annulé la demande d’accord envoyée par SMS`,
	'consent.confirmed': () => 'Vous avez donné votre accord par SMS',
	'consent.refused': () => 'Vous avez répondu non à la demande d’accord par SMS',
	'consent.expired': () => 'La demande d’accord par SMS a expiré sans réponse',
	'person.code_sent': () => 'Vous avez demandé un code pour vous connecter',
	'person.signed_in': (f) => `Vous vous êtes connecté(e) ${SIGN_IN[str(f.d.by)] ?? 'avec un code'}`,
	'person.link_used': () => 'Vous avez ouvert votre espace avec votre lien',
	'person.link_issued': (f) => `${f.who} vous a remis un lien vers votre espace`,
	'person.links_revoked': (f) => (f.you ? 'Vous avez désactivé un lien vers votre espace' : `${f.who} a désactivé vos liens vers votre espace`),
	'person.passkey_added': () => 'Vous avez ajouté une clé d’accès',
	'person.passkey_removed': () => 'Vous avez supprimé une clé d’accès',
	'person.recovery_sheet_issued': () => 'Vous avez imprimé une nouvelle feuille de secours (l’ancienne ne marche plus)',
	'person.sessions_ended': (f) => `Vous avez fermé ${plural(f.d.sessions, 'connexion', 'connexions')} à votre espace`,
	'referral.sent': (f) => `${f.who} vous a orienté(e) vers ${f.place}`,
	'referral.viewed': (f) => `${has(f)} consulté votre orientation vers ${f.place}`,
	'referral.reminded': (f) => `Un rappel a été envoyé à ${f.place} pour votre orientation`,
	'referral.transition': (f) => {
		if (f.you) return `Vous avez annulé votre orientation vers ${f.place}`;
		const verb = REFERRAL_VERBS[str(f.d.event)];
		return verb ? `${f.who} ${verb} ${f.place}` : `${f.who} a mis à jour votre orientation vers ${f.place}`;
	},
	'pass.vouchers.distributed': (f) => `${f.who} vous a remis ${plural(f.d.count, 'Pass Numérique', 'Pass Numérique')}`,
	'pass.voucher.checked': (f) => `${f.who} a vérifié le code d’un de vos Pass Numérique`,
	'pass.voucher.redeemed': (f) => `${f.who} a encaissé un de vos Pass Numérique (${money(f.d.faceValueCents)}) à ${f.place}`
};

export interface PersonJournalEntry {
	id: number;
	at: Date;
	/** « Vous », or who acted */
	who: string;
	sentence: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (xs: unknown[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && UUID.test(x)))];
const detailsOf = (r: AuditRow) => (r.details && typeof r.details === 'object' ? (r.details as Record<string, unknown>) : {});

/** The person's lines said as sentences (names resolved in a few batched queries). */
export async function personEntries(db: DbOrTx, rows: AuditRow[], extraSentences: Record<string, PersonSentence> = {}): Promise<PersonJournalEntry[]> {
	const ds = rows.map(detailsOf);
	const refs = new Map(
		(await referralSubjects(db, uuids([...rows.filter((r) => r.targetType === 'referral').map((r) => r.targetId), ...ds.map((d) => d.referralId)]))).map(
			(r) => [r.id, r]
		)
	);
	const users = uuids(rows.filter((r) => r.actorKind === 'user').map((r) => r.actorId));
	const placeIds = [
		...new Set([...[...refs.values()].map((r) => r.placeId), ...ds.map((d) => d.placeId)].filter((x): x is string => typeof x === 'string' && x.length < 200))
	];
	const [userMap, orgOfUser, orgMap, places] = await Promise.all([
		userNames(db, users),
		memberOrganisationNames(db, users),
		organisationNames(db, uuids(ds.flatMap((d) => [d.organisationId, d.withOrganisationId, d.toOrganisationId]))),
		placeIds.length ? placeSummaries(db, placeIds) : Promise.resolve([])
	]);
	const placeMap = new Map(places.map((p) => [p.id, p.nom]));
	return rows.map((r, i) => {
		const d = ds[i];
		const ref = r.targetType === 'referral' && r.targetId ? refs.get(r.targetId) : typeof d.referralId === 'string' ? refs.get(d.referralId) : undefined;
		const place = (ref && placeMap.get(ref.placeId)) || (typeof d.placeId === 'string' && placeMap.get(d.placeId)) || 'un lieu';
		const org = (typeof d.organisationId === 'string' && orgMap.get(d.organisationId)) || null;
		const you = r.actorKind === 'person';
		const who = you
			? 'Vous'
			: r.actorKind === 'user'
				? (() => {
						const name = (r.actorId && userMap.get(r.actorId)) || 'Un professionnel';
						const structure = org ?? (r.actorId ? orgOfUser.get(r.actorId) : undefined);
						return structure ? `${name} (${structure})` : name;
					})()
				: r.actorKind === 'link'
					? place === 'un lieu'
						? 'Le lieu'
						: place
					: r.actorKind === 'system'
						? 'Le service, automatiquement,'
						: 'Quelqu’un';
		const facts: PersonFacts = {
			you,
			who,
			place,
			organisation: (typeof d.withOrganisationId === 'string' && orgMap.get(d.withOrganisationId)) || org || 'une structure',
			d
		};
		const say = extraSentences[r.action] ?? PERSON_SENTENCES[r.action];
		const text = say ? say(facts) : `${has(facts)} fait une opération sur vos informations`;
		return { id: r.id, at: r.at, who: you ? 'Vous' : who.replace(/,$/, ''), sentence: text.replace(/,\s*$/, '') + '.' };
	});
}

/**
 * One page of the person's journal: the lines about their records, their referrals and
 * their vouchers (and `extraTargets`), newest first, 30 at a time (`before`: the id the
 * previous page gave as `next`).
 */
export async function personJournal(
	database: Database,
	beneficiaryIds: readonly string[],
	page: { before?: number; limit?: number; extraTargets?: JournalTarget[]; extraSentences?: Record<string, PersonSentence> } = {}
): Promise<{ entries: PersonJournalEntry[]; next: number | null }> {
	const db = database.db;
	const ids = beneficiaryIds.filter((id) => UUID.test(id));
	if (!ids.length) return { entries: [], next: null };
	const [referralIds, passes] = await Promise.all([referralIdsOf(db, ids), personPasses(db, ids)]);
	const targets: JournalTarget[] = [
		{ targetType: 'beneficiary', ids },
		{ targetType: 'referral', ids: referralIds },
		{ targetType: 'pass_voucher', ids: passes.map((p) => p.id) },
		...(page.extraTargets ?? [])
	];
	const { rows, next } = await entriesAboutPage(db, targets, { before: page.before, limit: Math.min(Math.max(page.limit ?? 30, 1), 100) });
	return { entries: await personEntries(db, rows, page.extraSentences), next };
}
