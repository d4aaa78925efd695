import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { purgePersonalData } from './maintenance.ts';
import { createOrganisation, invite, addMember, loginWithPassword, loadSession } from '../accounts/index.ts';
import { invitations } from '../accounts/db.ts';

let db: Database;
beforeAll(async () => {
	db = await createEmptyTestDatabase();
});
afterAll(async () => db?.close());

describe('scheduled purge of personal data', () => {
	it('removes dead sessions and counters, and anonymises invitations expired for 30 days', async () => {
		const org = (await createOrganisation(db, null, { name: 'CCAS', kind: 'ccas', departmentCode: '47' })).id;
		const t0 = new Date('2026-01-01T09:00:00Z');
		const old = await invite(db, null, { email: 'ancien@ccas.test', displayName: 'Ancien Invité', organisationId: org, role: 'prescriber' }, { now: t0 });
		const fresh = await invite(db, null, { email: 'recent@ccas.test', displayName: 'Récent', organisationId: org, role: 'prescriber' });
		await addMember(db, null, {
			email: 'agent@ccas.test',
			displayName: 'Agent',
			organisationId: org,
			role: 'place_manager',
			password: 'une phrase de passe solide'
		});
		const s = (await loginWithPassword(db, { email: 'agent@ccas.test', password: 'une phrase de passe solide' }, { ip: '192.0.2.1' }, t0)) as { token: string };
		await loginWithPassword(db, { email: 'agent@ccas.test', password: 'faux mot de passe ici' }, { ip: '192.0.2.1' }, t0);
		const r = await purgePersonalData(db, new Date('2026-03-01T09:00:00Z'));
		expect(r).toEqual({
			sessions: 1,
			counters: 2,
			invitations: 1,
			codes: 0,
			personAccess: 0,
			records: 0,
			registrationsExpired: 0,
			registrationsDeleted: 0,
			registrationsPromoted: 0,
			equipmentUnlinked: 0
		});
		const [gone] = await db.db.select().from(invitations).where(eq(invitations.id, old.invitation.id));
		expect(gone).toMatchObject({ email: `expiree-${old.invitation.id}@invalid`, displayName: '(invitation expirée)' });
		const [kept] = await db.db.select().from(invitations).where(eq(invitations.id, fresh.invitation.id));
		expect(kept.email).toBe('recent@ccas.test');
		expect(await loadSession(db.db, s.token, new Date('2026-03-01T09:00:00Z'))).toBeNull();
		// a second run has nothing left to do
		expect(await purgePersonalData(db, new Date('2026-03-01T09:00:00Z'))).toEqual({
			sessions: 0,
			counters: 0,
			invitations: 0,
			codes: 0,
			personAccess: 0,
			records: 0,
			registrationsExpired: 0,
			registrationsDeleted: 0,
			registrationsPromoted: 0,
			equipmentUnlinked: 0
		});
	});
});
