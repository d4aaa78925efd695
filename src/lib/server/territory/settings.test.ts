import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../permissions/index.ts';
import { auditLog } from '../audit/db.ts';
import { verifyChain } from '../audit/index.ts';
import { changeInstanceSettings, getInstanceSettings } from './settings.ts';
import { TerritoryError } from './model.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

const admin: Actor = { userId: '00000000-0000-4000-8000-000000000001', isAdmin: true, mfa: true, memberships: [] };
const coordinator: Actor = {
	userId: '00000000-0000-4000-8000-000000000002',
	isAdmin: false,
	mfa: true,
	memberships: [{ organisationId: '00000000-0000-4000-8000-000000000003', role: 'coordinator', departmentCode: '47' }]
};

describe('the instance’s settings, changed from its page', () => {
	it('are the administrator’s only: a coordinator is refused and nothing changes', async () => {
		const before = await getInstanceSettings(db);
		await expect(changeInstanceSettings(db, coordinator, { name: 'Autre nom' })).rejects.toThrow(TerritoryError);
		await expect(changeInstanceSettings(db, coordinator, { name: 'Autre nom' })).rejects.toMatchObject({ code: 'forbidden', status: 403 });
		expect((await getInstanceSettings(db)).name).toBe(before.name);
	});

	it('are journaled with what they were, in the same transaction, by the use case', async () => {
		const r = await changeInstanceSettings(db, admin, { name: 'Déclic 47' }, '203.0.113.7');
		expect(r.ok && r.settings.name).toBe('Déclic 47');
		const entries = await db.db.select().from(auditLog).where(eq(auditLog.action, 'instance.settings_updated'));
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ actorId: admin.userId, targetType: 'instance' });
		expect((await verifyChain(db)).ok).toBe(true);
	});

	it('say what is wrong and write nothing when a value is refused', async () => {
		const r = await changeInstanceSettings(db, admin, { departmentCodes: ['99'] });
		expect(r.ok).toBe(false);
		expect(!r.ok && r.errors[0]).toMatchObject({ field: 'departmentCodes' });
		expect(await db.db.select().from(auditLog).where(eq(auditLog.action, 'instance.settings_updated'))).toHaveLength(1);
	});
});
