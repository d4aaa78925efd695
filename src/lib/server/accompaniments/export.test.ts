/**
 * Issue 12, item 17: a mediator exports their place's accompaniments as CSV: the list's
 * period and place, formulas neutralised, a person's name only where they may read it,
 * journaled; refused to those outside the place's team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { careNetwork, type Care } from '../../../../test/security/care-fixture.ts';
import { auditLog } from '../audit/db.ts';
import { CareError } from '../beneficiaries/index.ts';
import { accompaniments } from './db.ts';
import { accompanimentsCsv, EXPORT_HEADERS } from './export.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
	const base = {
		organisationId: c.mediatheque,
		placeId: c.withTeam,
		mediatorId: c.mediator.userId,
		departmentCode: '47',
		durationMinutes: 90,
		location: 'place'
	};
	await c.db.db.insert(accompaniments).values([
		{ ...base, date: '2026-11-20', kind: 'collective', participants: 6, title: '=HYPERLINK("http://x.test","clic")', themes: ['Smartphone'] },
		{ ...base, date: '2026-11-19', kind: 'individual', participants: 1, themes: ['Démarches en ligne'] },
		// outside the period
		{ ...base, date: '2026-09-01', kind: 'individual', participants: 1 }
	]);
}, 120_000);
afterAll(async () => c?.close());

describe('the accompaniments CSV', () => {
	it('has the period’s rows, French headers, formulas neutralised, and is journaled', async () => {
		const r = await accompanimentsCsv(c.db, c.mediator, { from: '2026-11-01', to: '2026-11-30' }, '192.0.2.9');
		expect(r.rows).toBe(2);
		expect(r.csv.startsWith('\ufeff')).toBe(true);
		const lines = r.csv.slice(1).trim().split('\r\n');
		expect(lines[0]).toBe(EXPORT_HEADERS.join(';'));
		expect(lines[1]).toContain('2026-11-20;Collectif;');
		expect(lines[1]).toContain(`"'=HYPERLINK(""http://x.test"";""clic"")"`.replace(';', ','));
		expect(lines[1]).not.toMatch(/;=HYPERLINK/);
		expect(lines[2]).toContain('Personne anonyme');
		const [entry] = await c.db.db
			.select({ details: auditLog.details, ip: auditLog.ip })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'accompaniment.exported'), eq(auditLog.actorId, c.mediator.userId)));
		expect(entry.details).toMatchObject({ rows: 2, from: '2026-11-01', to: '2026-11-30', organisationIds: [c.mediatheque] });
	});

	it('is refused to a prescriber (not a place team)', async () => {
		await expect(accompanimentsCsv(c.db, c.prescriber, {})).rejects.toBeInstanceOf(CareError);
	});
});
