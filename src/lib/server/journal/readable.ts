/**
 * The journal as people read it (issue 12, item 13): each entry's names resolved in a few
 * batched queries (professionals, structures, places, referrals, campaigns…), then said as
 * a sentence (sentences.ts). A person helped is named only when the viewer may read their
 * record (`can(viewer, 'beneficiary.read')` for the structure holding it): a coordinator,
 * whose rank gives no access to records, reads "une personne".
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../web/spreadsheet.ts';
import type { DbOrTx } from '../db/client.ts';
import { can, invitationSummaries, memberOrganisationNames, organisationNames, organisationsOfDepartments, userNames, type Actor } from '../accounts/index.ts';
import { placeSummaries, placesOfErrorReports } from '../places/index.ts';
import { fullName, uncheckedNames } from '../beneficiaries/index.ts';
import { referralSubjects } from '../referral/index.ts';
import { campaignNames, qualificationSubjects, statementSubjects } from '../pass/index.ts';
import { formatShortDateTime, monthLabel } from '../../components/format.ts';
import { actorsInJournal, type AuditRow } from '../audit/index.ts';
import { sentence, actionLabel, type Facts } from './sentences.ts';
import { detailLines } from './details.ts';
import { capital } from './words.ts';

export const SOMEONE = 'une personne';

export interface ReadableEntry {
	id: number;
	at: string;
	action: string;
	actionLabel: string;
	/** who acted, by name */
	actor: string;
	sentence: string;
	details: string[];
	departmentCode: string | null;
	ip: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (xs: unknown[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && UUID.test(x)))];
const texts = (xs: unknown[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length < 200))];
const detailsOf = (r: AuditRow) => (r.details && typeof r.details === 'object' ? (r.details as Record<string, unknown>) : {});

async function byIds<T extends { id: string }>(ids: string[], load: (ids: string[]) => Promise<T[]>): Promise<Map<string, T>> {
	if (!ids.length) return new Map();
	return new Map((await load(ids)).map((r) => [r.id, r]));
}

/** "Médiathèque de Nérac (Nérac)". */
const placeName = (p: { nom: string; commune: string } | undefined) => (p ? `${p.nom} (${p.commune})` : null);

export async function readableEntries(db: DbOrTx, viewer: Actor, rows: AuditRow[]): Promise<ReadableEntry[]> {
	const ds = rows.map(detailsOf);
	const of = (type: string) => rows.filter((r) => r.targetType === type).map((r) => r.targetId);

	// referrals first: they name a person and a place
	const refs = await byIds(uuids([...of('referral'), ...ds.map((d) => d.referralId)]), (ids) => referralSubjects(db, ids));
	const reports = new Map<string, string>();
	const reportIds = of('error_report').filter((x): x is string => !!x && /^\d{1,9}$/.test(x));
	for (const [id, placeId] of await placesOfErrorReports(db, reportIds.map(Number))) reports.set(String(id), placeId);
	const statements = await byIds(uuids(of('pass_statement')), (ids) => statementSubjects(db, ids));
	const qualifications = await byIds(uuids(of('pass_qualification')), (ids) => qualificationSubjects(db, ids));
	const invites = await byIds(uuids(of('invitation')), (ids) => invitationSummaries(db, ids));

	const userIds = uuids([...rows.map((r) => r.actorId), ...of('user'), ...ds.map((d) => d.userId)]);
	const orgIds = uuids([
		...of('organisation'),
		...ds.flatMap((d) => [d.organisationId, d.funderId, d.toOrganisationId, d.withOrganisationId]),
		...[...qualifications.values()].map((q) => q.organisationId),
		...[...invites.values()].map((i) => i.organisationId)
	]);
	const placeIds = texts([
		...of('place'),
		...ds.map((d) => d.placeId),
		...[...refs.values()].map((r) => r.placeId),
		...reports.values(),
		...[...statements.values()].map((s) => s.placeId)
	]);
	const personIds = uuids([...of('beneficiary'), ...[...refs.values()].map((r) => r.beneficiaryId), ...ds.map((d) => d.beneficiaryId)]);
	const [userMap, orgMap, placeMap, personMap, campaignMap] = await Promise.all([
		userNames(db, userIds),
		organisationNames(db, orgIds),
		byIds(placeIds, (ids) => placeSummaries(db, ids)),
		// every name, then can() decides below which the viewer may read (the holders' only)
		uncheckedNames(db, personIds),
		byIds(uuids(of('pass_campaign')), (ids) => campaignNames(db, ids))
	]);

	const userName = (id: unknown) => (typeof id === 'string' && userMap.get(id)) || null;
	const orgName = (id: unknown) => (typeof id === 'string' && orgMap.get(id)) || null;
	const place = (id: unknown) => (typeof id === 'string' ? placeName(placeMap.get(id)) : null);
	/** the person's name only where the viewer may read their record */
	const person = (id: unknown): string => {
		const b = typeof id === 'string' ? personMap.get(id) : undefined;
		if (!b) return SOMEONE;
		if (b.anonymisedAt) return 'une personne (dossier anonymisé)';
		// the holders' name for the person: a grant opens the record, not the journal's names
		return can(viewer, 'beneficiary.read', { organisationId: b.organisationId, grants: [] }) ? fullName(b) : SOMEONE;
	};

	return rows.map((r, i) => {
		const d = ds[i];
		const ref = r.targetType === 'referral' && r.targetId ? refs.get(r.targetId) : typeof d.referralId === 'string' ? refs.get(d.referralId) : undefined;
		const actor =
			r.actorKind === 'user'
				? (userName(r.actorId) ?? 'Un compte supprimé')
				: r.actorKind === 'system'
					? 'Le traitement automatique'
					: r.actorKind === 'cli'
						? 'La ligne de commande'
						: r.actorKind === 'person'
							? 'La personne'
							: r.actorKind === 'link'
								? 'Le lieu'
								: 'Un visiteur';
		const personName = r.targetType === 'beneficiary' ? person(r.targetId) : ref ? person(ref.beneficiaryId) : person(d.beneficiaryId);
		const placeText =
			place(r.targetType === 'place' ? r.targetId : undefined) ??
			place(ref?.placeId) ??
			place(d.placeId) ??
			(r.targetType === 'error_report' && r.targetId ? place(reports.get(r.targetId)) : null) ??
			'un lieu';
		const target = ((): string => {
			const id = r.targetId;
			switch (r.targetType) {
				case 'user':
					return userName(id) ?? 'un compte';
				case 'organisation':
					return orgName(id) ?? 'une structure';
				case 'place':
					return place(id) ?? 'un lieu';
				case 'beneficiary':
					return personName;
				case 'referral':
					return `l’orientation de ${personName}`;
				case 'pass_campaign': {
					const c = id ? campaignMap.get(id) : undefined;
					return c ? `la campagne « ${c.name} »` : typeof d.name === 'string' ? `la campagne « ${d.name} »` : 'une campagne';
				}
				case 'pass_statement': {
					const s = id ? statements.get(id) : undefined;
					return s ? `le relevé de ${place(s.placeId) ?? 'un lieu'} (${monthLabel(s.month)})` : 'un relevé';
				}
				case 'pass_qualification': {
					const q = id ? qualifications.get(id) : undefined;
					return q ? (orgName(q.organisationId) ?? 'une structure') : 'une structure';
				}
				case 'invitation': {
					const inv = id ? invites.get(id) : undefined;
					return inv ? `${inv.displayName} (${inv.email})` : 'une personne invitée (invitation expirée)';
				}
				case 'pass_contribution':
					return `une contribution de ${orgName(d.funderId) ?? 'une structure'}`;
				case 'error_report':
					return `un signalement sur ${placeText}`;
				case 'pass_voucher':
					return 'un pass';
				case 'pass_alert':
					return 'une alerte';
				case 'import_report':
					return typeof d.file === 'string' ? `le fichier « ${d.file} »` : 'un import';
				case 'instance':
					return 'les réglages de l’instance';
				default:
					return 'un élément';
			}
		})();
		const inv = r.targetType === 'invitation' && r.targetId ? invites.get(r.targetId) : undefined;
		const organisation =
			orgName(d.organisationId) ??
			orgName(d.funderId) ??
			orgName(d.withOrganisationId) ??
			orgName(d.toOrganisationId) ??
			(inv ? orgName(inv.organisationId) : null) ??
			'une structure';
		const facts: Facts = { actor, target, person: personName, place: placeText, organisation, user: userName(d.userId) ?? 'un professionnel', d };
		return {
			id: r.id,
			at: r.at.toISOString(),
			action: r.action,
			actionLabel: actionLabel(r.action),
			actor,
			sentence: capital(sentence(r.action, facts)) + '.',
			details: detailLines(r.action, d),
			departmentCode: r.departmentCode,
			ip: r.ip
		};
	});
}

/** The professionals who appear in the journal the viewer reads (the "person" filter's list), by name. */
export async function journalActors(db: DbOrTx, departmentCodes: string[] | null): Promise<{ id: string; name: string; label: string }[]> {
	const ids = await actorsInJournal(db, departmentCodes);
	const [names, orgs] = await Promise.all([userNames(db, ids), memberOrganisationNames(db, ids)]);
	// two professionals may share a name: their structures tell them apart
	return [...names]
		.map(([id, name]) => ({ id, name, label: orgs.get(id) ? `${name} (${orgs.get(id)})` : name }))
		.sort((a, b) => a.name.localeCompare(b.name, 'fr') || (a.id < b.id ? -1 : 1))
		.slice(0, 2000);
}

/** The structures of the viewer's départements (the "structure" filter's list). */
export async function journalOrganisations(db: DbOrTx, departmentCodes: string[] | null): Promise<{ id: string; name: string }[]> {
	const rows = await organisationsOfDepartments(db, departmentCodes);
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** Rows exported at most in one CSV (the filters narrow it; the page says so). */
export const JOURNAL_CSV_MAX = 20_000;

/**
 * The entries as a CSV for spreadsheets: French headers, `;`, BOM, CRLF; every text cell
 * neutralised against formulas (docs/decisions/0005-csv-formulas.md).
 */
export function journalCsv(entries: ReadableEntry[]): string {
	const rows = entries.map((e) =>
		[
			formatShortDateTime(new Date(e.at), { seconds: true }),
			e.actor,
			e.actionLabel,
			e.sentence,
			e.details.join('\u00a0; '),
			e.departmentCode ?? '',
			e.ip ?? ''
		].map((v) => neutraliseFormula(v))
	);
	return (
		'\ufeff' +
		stringify([['Date', 'Auteur', 'Action', 'Ce qui a été fait', 'Détails', 'Département', 'Adresse IP'], ...rows], {
			delimiter: ';',
			record_delimiter: '\r\n',
			// RFC 4180: CR and LF inside a field need quotes too (csv-stringify only checks the record delimiter)
			quoted_match: /[\r\n]/
		})
	);
}
