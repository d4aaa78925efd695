/**
 * The legal pages' settings (issue 12, item 14): the administrator sets the publisher, the
 * host, the DPO's and the accessibility contacts; the pages read them back; a wrong contact
 * gets a French message and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { updateInstanceSettings } from '../territory/index.ts';
import { contactOf, COOKIES, legalInfo, RETENTION } from './service.ts';

let db: Database;
beforeAll(async () => {
	db = await createEmptyTestDatabase();
});
afterAll(async () => db.close());

describe('the legal pages’ settings', () => {
	it('nothing set: the pages say so (null), the general contact stands in for accessibility', async () => {
		const l = await legalInfo(db);
		expect(l).toMatchObject({ publisher: null, publicationDirector: null, host: null, dpo: null });
		expect((await updateInstanceSettings(db, { contactEmail: 'contact@cd47.test' })).ok).toBe(true);
		expect((await legalInfo(db)).accessibility).toEqual({ kind: 'email', value: 'contact@cd47.test' });
	});

	it('set by the administrator, read back line by line', async () => {
		const r = await updateInstanceSettings(db, {
			publisher: 'Département de Lot-et-Garonne\nHôtel du Département\n1633 avenue du Général Leclerc, 47922 Agen Cedex 9',
			publicationDirector: 'Sophie Borderie, présidente du Conseil départemental',
			host: 'Hébergeur Exemple SAS\n1 rue du Serveur, 75000 Paris',
			dpoContact: 'dpo@cd47.test',
			accessibilityContact: 'https://www.cd47.test/accessibilite'
		});
		expect(r.ok).toBe(true);
		const l = await legalInfo(db);
		expect(l.publisher).toEqual(['Département de Lot-et-Garonne', 'Hôtel du Département', '1633 avenue du Général Leclerc, 47922 Agen Cedex 9']);
		expect(l.publisherName).toBe('Département de Lot-et-Garonne');
		expect(l.dpo).toEqual({ kind: 'email', value: 'dpo@cd47.test' });
		expect(l.accessibility).toEqual({ kind: 'url', value: 'https://www.cd47.test/accessibilite' });
		expect(l.host).toHaveLength(2);
		// emptied: null again
		expect((await updateInstanceSettings(db, { host: '  ' })).ok).toBe(true);
		expect((await legalInfo(db)).host).toBeNull();
	});

	it('a wrong contact: a French message per field, nothing written', async () => {
		const r = await updateInstanceSettings(db, { dpoContact: 'dpo@', accessibilityContact: 'appelez-nous' });
		expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['dpoContact', 'accessibilityContact']);
		expect(!r.ok && r.errors[1].message).toMatch(/une adresse e-mail ou une page https/);
		expect((await legalInfo(db)).dpo).toEqual({ kind: 'email', value: 'dpo@cd47.test' });
	});

	it('a postal address as the DPO’s contact; the durations come from the code', () => {
		expect(contactOf('DPO\nHôtel du Département\n47922 Agen')).toEqual({ kind: 'text', lines: ['DPO', 'Hôtel du Département', '47922 Agen'] });
		expect(contactOf('')).toBeNull();
		expect(RETENTION.recordMonths).toBe(24);
		expect(COOKIES.map((c) => c.name)).toEqual(['maillage_session', 'maillage_personne', 'maillage_oidc']);
	});
});
