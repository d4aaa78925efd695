/**
 * Issue 11, finding 13: consent scopes said less than they revealed: "identity" also gave
 * the place the free-text accessibility note ("Diabétique, malvoyante, suivie pour
 * dépression"), and the needs were shown whatever the consent. Now one table
 * (SCOPE_FIELDS) says which fields each scope reveals; health and disability details are a
 * scope of their own, never given by default. For each scope, every view another
 * structure gets shows exactly the fields of the consent's scopes: the place's view of the
 * referral (team and link), the record page, the place's e-mails, the printed sheet; the
 * person's export lists what each consent shared, in the table's words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { careNetwork, links, pdfText, CANARY, type Care } from './care-fixture.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { sendReferral, referralDetail, referralByLink } from '../../src/lib/server/referral/index.ts';
import {
	beneficiaryDetail,
	recordAssessment,
	CONSENT_SCOPES,
	SCOPE_FIELDS,
	SENSITIVE_SCOPES,
	DEFAULT_CONSENT_SCOPES,
	SHARED_FIELD_LABELS,
	PERSON_FORM_VOCAB,
	revealedFields,
	consentInput,
	type ConsentScope,
	type SharedField
} from '../../src/lib/server/beneficiaries/index.ts';
import { recordExportPdf, referralSheet } from '../../src/lib/server/documents/index.ts';
import { exportRecord } from '../../src/lib/server/privacy/index.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

const ANSWERS = {
	appareils: ['smartphone'],
	internet: 'telephone',
	ecrire: 'aide',
	courriel: 'non',
	mot_de_passe: 'non',
	document: 'aide',
	franceconnect: 'non',
	deja_fait: ['aucune'],
	besoin: ['demarche'],
	urgence: 'mois',
	contraintes: ['lecture'],
	accompagnement: 'individuel'
};

/** The fields a text (a view as JSON, an e-mail, a PDF's text) lets one read. */
function seen(text: string): Set<SharedField> {
	const out = new Set<SharedField>();
	const has = (...needles: (string | RegExp)[]) => needles.some((n) => (typeof n === 'string' ? text.includes(n) : n.test(text)));
	if (has(CANARY.firstName)) out.add('firstName');
	if (has(CANARY.lastName)) out.add('lastName');
	if (has(CANARY.pseudonym)) out.add('pseudonym');
	if (has(CANARY.commune)) out.add('communeName');
	if (has(CANARY.languageLabel, '"language":"uk"')) out.add('language');
	if (has(/77\s?88\s?99\s?00/)) out.add('phone');
	if (has(CANARY.email)) out.add('email');
	if (has('"preferredContact":"sms"', '"preferredContactLabel":"Par SMS"', 'Par SMS')) out.add('preferredContact');
	if (has(CANARY.needLabel, '"vision"')) out.add('accessibilityNeeds');
	if (has('Diabétique')) out.add('accessibilityNote');
	if (has(/"assessment":\{/)) out.add('assessment');
	if (has('MotifCanari')) out.add('reason');
	return out;
}
const sorted = (s: Iterable<string>) => [...s].sort();
const only = (s: Set<SharedField>, applicable: readonly SharedField[]) => sorted([...s].filter((f) => applicable.includes(f)));
const ALL_FIELDS = [...new Set(Object.values(SCOPE_FIELDS).flat())] as SharedField[];
const SCOPES = Object.keys(SCOPE_FIELDS) as ConsentScope[];

describe('issue 11, finding 13: each scope reveals exactly its fields', () => {
	it('one table: the consent form says every field of each scope; health is its own scope, never by default', () => {
		for (const s of SCOPES) for (const f of SCOPE_FIELDS[s]) if (f !== 'communeCode') expect(CONSENT_SCOPES[s]).toContain(SHARED_FIELD_LABELS[f]);
		expect(PERSON_FORM_VOCAB.scopes.map((o) => o.label)).toEqual(SCOPES.map((s) => CONSENT_SCOPES[s]));
		expect(SCOPE_FIELDS.health).toEqual(['accessibilityNeeds', 'accessibilityNote']);
		expect(SENSITIVE_SCOPES).toEqual(['health']);
		// no other scope touches the sensitive fields
		for (const s of SCOPES.filter((x) => x !== 'health')) for (const f of SCOPE_FIELDS.health) expect(revealedFields([s]).has(f)).toBe(false);
		expect(DEFAULT_CONSENT_SCOPES.some((s) => SENSITIVE_SCOPES.includes(s))).toBe(false);
		// a consent is what was ticked, nothing added
		expect(consentInput.parse({ method: 'oral', scope: ['identity'] }).scope).toEqual(['identity']);
	});

	for (const scope of SCOPES) {
		it(`scope « ${scope} »: the place’s views, the record page, the e-mails and the sheet show exactly its fields`, async () => {
			const consentScope = [...new Set<ConsentScope>(['identity', scope])];
			const expected = revealedFields(consentScope);
			const id = await c.newPerson();
			const assessment = await recordAssessment(c.db, c.prescriber, id, ANSWERS);
			const consent = { method: 'oral', scope: consentScope };
			const { id: rid } = await sendReferral(
				c.db,
				c.prescriber,
				{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, assessmentId: assessment.id, consent },
				links
			);
			await sendReferral(
				c.db,
				c.prescriber,
				{ beneficiaryId: id, organisationId: c.ccas, placeId: c.byLink, reason: CANARY.reason, assessmentId: assessment.id, consent },
				links
			);

			// the place's team: the referral's page
			const team = await referralDetail(c.db, c.mediator, rid);
			const referralFields = ALL_FIELDS.filter((f) => f !== 'communeCode');
			expect(only(seen(JSON.stringify(team)), referralFields), 'referral page').toEqual(only(expected, referralFields));

			// the place without an account: the page its link opens
			const [linkMail] = await c.db.db
				.select()
				.from(outbox)
				.where(and(eq(outbox.beneficiaryId, id), eq(outbox.to, 'boe@france-services.test')));
			const token = /\/orientation\/(\S+)/.exec(linkMail.text)![1];
			const byLink = await referralByLink(c.db, token);
			if (!byLink.ok) throw new Error(byLink.message);
			expect(only(seen(JSON.stringify(byLink.detail)), referralFields), 'link page').toEqual(only(expected, referralFields));

			// the record page, for the place's organisation
			const record = await beneficiaryDetail(c.db, c.mediator, id);
			const recordFields = ALL_FIELDS.filter((f) => !['communeCode', 'assessment', 'reason'].includes(f));
			expect(only(seen(JSON.stringify(record.record)), recordFields), 'record page').toEqual(only(expected, recordFields));
			expect(record.record.communeCode !== null).toBe(expected.has('communeCode'));

			// the place's e-mails: never more than the scope
			const mails = await c.db.db
				.select()
				.from(outbox)
				.where(and(eq(outbox.beneficiaryId, id), like(outbox.to, '%@mediatheque.test')));
			expect(mails.length).toBeGreaterThan(0);
			for (const m of [...mails, linkMail])
				for (const f of seen(`${m.subject}\n${m.text}\n${m.html ?? ''}`)) expect(expected.has(f), `e-mail shows ${f}`).toBe(true);

			// the sheet printed by the place's team
			const sheet = pdfText((await referralSheet(c.db, c.mediator, rid, links)).pdf);
			for (const f of seen(sheet.text)) expect(expected.has(f), `sheet shows ${f}`).toBe(true);
		});
	}

	it('the person’s export (JSON and PDF) says what each consent shared in the table’s words, and gives back the note; only the holder exports', async () => {
		const id = await c.newPerson();
		await sendReferral(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, consent: { method: 'oral', scope: ['identity', 'health'] } },
			links
		);
		const data = await exportRecord(c.db, c.prescriber, id, links.instanceName);
		expect(data.consents[0].scope).toEqual([CONSENT_SCOPES.identity, CONSENT_SCOPES.health]);
		expect(data.person.accessibilityNote).toBe(CANARY.note);
		const pdf = pdfText(await recordExportPdf(data));
		if (pdf.text) {
			const flat = pdf.text.replace(/\s+/g, ' ');
			expect(flat).toContain('Santé et handicap (donnée sensible)');
			expect(flat).toContain('Diabétique');
		}
		await expect(exportRecord(c.db, c.mediator, id, links.instanceName)).rejects.toThrow();
	});
});
