/**
 * Documents joined to a referral (issue 15, item 7), on PGlite and PostgreSQL: the person
 * joins papers of their vault to a referral still open; the receiving place's team opens
 * them, no other place does; they stop being shared when the referral ends (declined,
 * expired, withdrawn), refusals journaled; a place without an account reads them through
 * its link only while the referral is open; the person sees and stops each share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { runInScope } from '../db/request-scope.ts';
import type { Database } from '../db/client.ts';
import { scopeOf } from '../accounts/index.ts';
import { tinyPdf } from '../../../../test/vault-files.ts';
import type { Actor } from '../accounts/index.ts';
import { auditLog } from '../audit/db.ts';
import { outbox } from '../mail/db.ts';
import { grants } from '../grants/db.ts';
import { DomainError } from '../errors.ts';
import { askPresence, closePresence, confirmPresence, depositDocument, openDocument, personShares, revokeShare, setVaultRuntime } from '../vault/index.ts';
import { fileBlobStore } from '../vault/store/blobs.ts';
import { loadMasterKeys } from '../vault/store/keys.ts';
import {
	actOnReferral,
	answerByLink,
	counterReferralDocuments,
	joinDocuments,
	joinDocumentsAtCounter,
	linkReferralDocuments,
	openDocumentByLink,
	personReferralDocuments,
	runReferralClock,
	sendReferral,
	teamReferralDocuments,
	withdrawByPerson
} from './index.ts';

const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
const DAY = 86_400_000;
const CONSENT = { method: 'oral', scope: ['identity', 'referral_reason'] };

const bytesOf = async (s: NodeJS.ReadableStream) => {
	const parts: Buffer[] = [];
	for await (const c of s) parts.push(c as Buffer);
	return Buffer.concat(parts);
};
const code = async (p: Promise<unknown>) => {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		throw e;
	}
};

describe('documents joined to a referral (issue 15, item 7)', () => {
	let w: World;
	let dir: string;
	let ccas: string;
	let prescriber: Actor;
	let mediator: Actor;
	let otherMediator: Actor;
	let withTeam: string;
	let otherPlace: string;
	let byLink: string;
	const pdf = tinyPdf('Attestation CAF de mars');
	let people = 0;

	/** a person with one document in their vault, referred to `placeId` */
	async function referred(placeId: string, firstName: string) {
		const personId = await w.person(prescriber, ccas, { firstName, lastName: 'Garrigues', phone: `06 ${String(10 + people++)} 11 22 33` });
		const session = { kind: 'person' as const, beneficiaryIds: [personId], ip: '192.0.2.7' };
		const { id: documentId } = await depositDocument(w.db, session, { type: 'attestation_caf', parts: [pdf] });
		const { id: referralId } = await sendReferral(
			w.db,
			prescriber,
			{ beneficiaryId: personId, organisationId: ccas, placeId, reason: 'Faire sa demande de RSA en ligne.', consent: CONSENT },
			links
		);
		return { personId, session, documentId, referralId };
	}
	const pro = (actor: Actor) => ({ kind: 'professional' as const, actor });
	const refusals = async (personId: string) =>
		(
			await w.db.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.action, 'vault.access_refused'), eq(auditLog.targetId, personId)))
		).length;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vault-referral-'));
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: join(dir, 'keys', 'master.json') }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'blobs'))
		});
		w = await openWorld({ places: 'agen' });
		ccas = await w.organisation('CCAS de Nérac', 'ccas');
		const mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
		const clic = await w.organisation('Association Clic Clac');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
		otherMediator = await w.member('zoe@clicclac.test', clic, 'mediator');
		withTeam = await w.runs(mediatheque, 'Médiathèque Lacépède');
		otherPlace = await w.runs(clic, 'EPN de Villeneuve-sur-Lot');
		byLink = await w.placeByEmail('France services de Boé', 'boe@france-services.test');
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('the person joins a document: the place’s mediator opens it, another place and the sender cannot, and the person sees who has it', async () => {
		const { personId, session, documentId, referralId } = await referred(withTeam, 'Odette');
		expect(await teamReferralDocuments(w.db, mediator, referralId)).toEqual([]);
		expect(await code(joinDocuments(w.db, session, referralId, []))).toBe('invalid');
		expect(await joinDocuments(w.db, session, referralId, [documentId])).toEqual({ shared: 1 });
		// joined twice (a second click): one share
		expect(await joinDocuments(w.db, session, referralId, [documentId])).toEqual({ shared: 0 });

		const seen = await teamReferralDocuments(w.db, mediator, referralId);
		expect(seen.map((d) => [d.id, d.typeLabel])).toEqual([[documentId, 'Attestation CAF']]);
		const opened = await openDocument(w.db, pro(mediator), documentId, 'download');
		expect((await bytesOf(opened.stream)).equals(pdf)).toBe(true);

		const before = await refusals(personId);
		expect(await teamReferralDocuments(w.db, otherMediator, referralId)).toEqual([]);
		expect(await code(openDocument(w.db, pro(otherMediator), documentId, 'view'))).toBe('not_found');
		expect(await code(openDocument(w.db, pro(prescriber), documentId, 'view'))).toBe('not_found');
		expect(await refusals(personId)).toBe(before + 2);

		const view = await personReferralDocuments(w.db, session, referralId);
		expect(view).toMatchObject({ placeName: 'Médiathèque Lacépède', closedBecause: null });
		expect(view.joined.map((d) => d.id)).toEqual([documentId]);
		const [share] = await personShares(w.db, [personId]);
		expect(share).toMatchObject({ to: 'Médiathèque Lacépède', inForce: true, documentId });
		// at most until the referral would expire without an answer
		const [g] = await w.db.db.select().from(grants).where(eq(grants.id, share.id));
		expect(g.evidence).toMatchObject({ referralId });
		expect(g.validUntil!.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY);
		const [shared] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.shared'), eq(auditLog.targetId, personId)));
		expect(shared).toMatchObject({ actorKind: 'person', details: expect.objectContaining({ referralId, grantId: share.id }) });
		const [read] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.document_downloaded'), eq(auditLog.actorId, mediator.userId)));
		expect(read.details).toMatchObject({ documentId, referralId });

		// the person stops it: the mediator no longer opens it
		await revokeShare(w.db, session, share.id);
		expect(await teamReferralDocuments(w.db, mediator, referralId)).toEqual([]);
		expect(await code(openDocument(w.db, pro(mediator), documentId, 'view'))).toBe('not_found');
	});

	it('declined: the documents stop being shared in the same transaction, and the mediator is refused (journaled)', async () => {
		const { personId, session, documentId, referralId } = await referred(withTeam, 'Berthe');
		await joinDocuments(w.db, session, referralId, [documentId]);
		await actOnReferral(w.db, mediator, referralId, { type: 'decline', reason: 'full' }, links);
		const before = await refusals(personId);
		expect(await code(openDocument(w.db, pro(mediator), documentId, 'view'))).toBe('not_found');
		expect(await refusals(personId)).toBe(before + 1);
		expect(await teamReferralDocuments(w.db, mediator, referralId)).toEqual([]);
		const [g] = await w.db.db
			.select()
			.from(grants)
			.where(and(eq(grants.beneficiaryId, personId), eq(grants.kind, 'document_share')));
		expect(g).toMatchObject({ kind: 'document_share', revokedBy: 'system' });
		expect((await personShares(w.db, [personId])).every((s) => !s.inForce)).toBe(true);
		const closed = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.share_revoked'), eq(auditLog.targetId, personId)));
		expect(closed).toMatchObject([{ actorKind: 'system', details: expect.objectContaining({ referralId }) }]);
		// nothing more can be joined to it
		expect(await code(joinDocuments(w.db, session, referralId, [documentId]))).toBe('conflict');
		expect((await personReferralDocuments(w.db, session, referralId)).closedBecause).toMatch(/terminée/);
	});

	it('accepted: the documents stay as long as the referral may stay open; withdrawn by the person: they stop', async () => {
		const { personId, session, documentId, referralId } = await referred(withTeam, 'Colette');
		await joinDocuments(w.db, session, referralId, [documentId]);
		await actOnReferral(w.db, mediator, referralId, { type: 'accept' }, links);
		const [g] = await w.db.db
			.select()
			.from(grants)
			.where(and(eq(grants.beneficiaryId, personId), eq(grants.kind, 'document_share')));
		expect(g.validUntil!.getTime()).toBeGreaterThan(Date.now() + 59 * DAY);
		expect((await openDocument(w.db, pro(mediator), documentId, 'view')).document.id).toBe(documentId);
		await withdrawByPerson(w.db, { beneficiaryIds: [personId], via: 'code', linkId: null }, referralId, links);
		expect(await code(openDocument(w.db, pro(mediator), documentId, 'view'))).toBe('not_found');
	});

	it('expired by the clock: the documents stop being shared', async () => {
		const { session, documentId, referralId } = await referred(otherPlace, 'Denise');
		await joinDocuments(w.db, session, referralId, [documentId]);
		expect((await openDocument(w.db, pro(otherMediator), documentId, 'view')).document.id).toBe(documentId);
		await runReferralClock(w.db, links, new Date(Date.now() + 31 * DAY));
		expect(await code(openDocument(w.db, pro(otherMediator), documentId, 'view'))).toBe('not_found');
		expect(await teamReferralDocuments(w.db, otherMediator, referralId)).toEqual([]);
	});

	it('a place without an account reads them through its link only while the referral is open; its reads are journaled as the link’s', async () => {
		const { personId, session, documentId, referralId } = await referred(byLink, 'Émilie');
		const { id: notJoined } = await depositDocument(w.db, session, { type: 'avis_imposition', parts: [pdf] });
		await joinDocuments(w.db, session, referralId, [documentId]);
		const mail = (await w.db.db.select().from(outbox).where(eq(outbox.to, 'boe@france-services.test'))).find((m) => m.text.includes('Émilie'))!;
		const token = new RegExp(`${links.origin}/orientation/([\\w.-]+)`).exec(mail.text)![1];

		expect((await linkReferralDocuments(w.db, token)).map((d) => d.id)).toEqual([documentId]);
		const r = await openDocumentByLink(w.db, token, documentId, 'download', '203.0.113.9');
		expect((await bytesOf(r.stream)).equals(pdf)).toBe(true);
		const [read] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.document_downloaded'), eq(auditLog.targetId, personId)));
		expect(read).toMatchObject({ actorKind: 'link', details: expect.objectContaining({ documentId, referralId }) });
		// a document the person did not join, and the team of a structure: refused
		const before = await refusals(personId);
		expect(await code(openDocumentByLink(w.db, token, notJoined, 'download'))).toBe('not_found');
		expect(await refusals(personId)).toBe(before + 1);
		expect(await code(openDocument(w.db, pro(mediator), documentId, 'view'))).toBe('not_found');
		// a forged link: nothing
		expect(await code(openDocumentByLink(w.db, `${token.slice(0, -2)}xx`, documentId, 'download'))).toBe('not_found');

		await answerByLink(w.db, token, { type: 'decline', reason: 'full' }, links);
		expect(await code(openDocumentByLink(w.db, token, documentId, 'download'))).toBe('conflict');
		const [g] = await w.db.db
			.select()
			.from(grants)
			.where(and(eq(grants.beneficiaryId, personId), eq(grants.kind, 'document_share')));
		expect(g).toMatchObject({ granteePlaceId: byLink, granteeOrganisationId: null, revokedBy: 'system' });
		expect((await personShares(w.db, [personId]))[0]).toMatchObject({ to: 'France services de Boé', inForce: false });
	});

	it.skipIf(!onPostgres())(
		'behind row-level security: a team of another département reads and declines as the request role; the prescriber’s withdrawal closes too',
		async () => {
			const request: Database = await w.requestDatabase(2);
			const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });
			const tiers = await w.organisation('Tiers-lieu de Bordeaux', 'association', '33');
			const mediator33 = await w.member('sam@bordeaux.test', tiers, 'mediator');
			const bordeaux = await w.runs(tiers, 'Tiers-lieu numérique de Bordeaux');
			const a = await referred(bordeaux, 'Huguette');
			await joinDocuments(w.db, a.session, a.referralId, [a.documentId]);
			const seen = await as(mediator33, () => teamReferralDocuments(request, mediator33, a.referralId));
			expect(seen.map((d) => d.id)).toEqual([a.documentId]);
			const opened = await as(mediator33, () => openDocument(request, pro(mediator33), a.documentId, 'view'));
			expect((await bytesOf(opened.stream)).equals(pdf)).toBe(true);
			await as(mediator33, () => actOnReferral(request, mediator33, a.referralId, { type: 'decline', reason: 'full' }, links));
			expect(await as(mediator33, () => code(openDocument(request, pro(mediator33), a.documentId, 'view')))).toBe('not_found');

			const b = await referred(bordeaux, 'Irène');
			await joinDocuments(w.db, b.session, b.referralId, [b.documentId]);
			await as(prescriber, () => actOnReferral(request, prescriber, b.referralId, { type: 'withdraw' }, links));
			const [g] = await w.db.db
				.select()
				.from(grants)
				.where(and(eq(grants.beneficiaryId, b.personId), eq(grants.kind, 'document_share')));
			expect(g.revokedBy).toBe('system');
		}
	);

	it('at the counter: the sender, with the person’s vault open to them, joins a paper once the person says yes; the place then opens it', async () => {
		const { personId, documentId, referralId } = await referred(withTeam, 'Henriette');
		const other = await referred(withTeam, 'Irène');
		// the vault not open with the person: nothing to show, nothing joined
		expect(await counterReferralDocuments(w.db, prescriber, referralId)).toBeNull();
		expect(await code(joinDocumentsAtCounter(w.db, prescriber, { referralId, documentIds: [documentId], personAgrees: true }))).toBe('forbidden');
		// the person gives the code sent to their phone
		await askPresence(w.db, { actor: prescriber }, { beneficiaryId: personId, instanceName: 'maillage 47' });
		const [sms] = await w.db.db.select().from(outbox).where(eq(outbox.template, 'vault-presence-code')).orderBy(desc(outbox.createdAt)).limit(1);
		await confirmPresence(w.db, { actor: prescriber }, { beneficiaryId: personId, code: /(\d{6})/.exec(sms.text)![1] });
		const view = await counterReferralDocuments(w.db, prescriber, referralId);
		expect(view).toMatchObject({ placeName: 'Médiathèque Lacépède', closedBecause: null, documents: [{ id: documentId, joined: false }] });
		// the place's team is not the sender: no such view for them
		expect(await counterReferralDocuments(w.db, mediator, referralId)).toBeNull();
		// without the person's yes; another person's paper
		expect(await code(joinDocumentsAtCounter(w.db, prescriber, { referralId, documentIds: [documentId], personAgrees: false }))).toBe('invalid');
		expect(await code(joinDocumentsAtCounter(w.db, prescriber, { referralId, documentIds: [other.documentId], personAgrees: true }))).toBe('not_found');
		expect(await teamReferralDocuments(w.db, mediator, referralId)).toEqual([]);
		// with it (on PostgreSQL, as the route runs: the request role, under row-level security)
		const db: Database = onPostgres() ? await w.requestDatabase(2) : w.db;
		const as = <T>(fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(prescriber), userId: prescriber.userId, owner: '', voucherCode: '' });
		expect((await as(() => counterReferralDocuments(db, prescriber, referralId)))?.documents).toHaveLength(1);
		expect(await as(() => joinDocumentsAtCounter(db, prescriber, { referralId, documentIds: [documentId], personAgrees: true }))).toEqual({ shared: 1 });
		expect((await counterReferralDocuments(w.db, prescriber, referralId))?.documents).toMatchObject([{ id: documentId, joined: true }]);
		expect((await teamReferralDocuments(w.db, mediator, referralId)).map((d) => d.id)).toEqual([documentId]);
		const [shared] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.shared'), eq(auditLog.targetId, personId)));
		expect(shared).toMatchObject({ actorKind: 'user', actorId: prescriber.userId, details: expect.objectContaining({ referralId, personAgreed: true }) });
		await closePresence(w.db, { actor: prescriber }, personId);
		expect(await counterReferralDocuments(w.db, prescriber, referralId)).toBeNull();
	});

	it('the person joins only their own documents, to their own referrals', async () => {
		const a = await referred(withTeam, 'Fanny');
		const b = await referred(withTeam, 'Gisèle');
		expect(await code(joinDocuments(w.db, a.session, a.referralId, [b.documentId]))).toBe('not_found');
		expect(await code(joinDocuments(w.db, a.session, b.referralId, [a.documentId]))).toBe('not_found');
		expect(await code(personReferralDocuments(w.db, a.session, b.referralId))).toBe('not_found');
	});
});
