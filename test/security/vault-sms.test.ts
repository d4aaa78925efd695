/**
 * The vault's SMS (issue 15, acceptance walk): the counter's code and the paper asked for
 * were sent with their accents (« reçoit », « êtes », a structure's « Pôle »): billed as
 * UCS-2, 70 characters an SMS. With an instance name of 52 characters or more the code's
 * text passed the 3-SMS limit, queueSms threw, and the professional got a 500: the vault
 * could not be opened at the counter. The paper asked for was silently not sent (the page
 * still said « la personne a reçu votre demande »). Both are now plain GSM-7, as the
 * mandates' and the consents' SMS are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { smsSegments } from '../../src/lib/server/sms/index.ts';
import { smsLength } from '../../src/lib/server/sms/model.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { askPresence, requestDocument, setVaultRuntime } from '../../src/lib/server/vault/index.ts';
import { fileBlobStore } from '../../src/lib/server/vault/store/blobs.ts';
import { loadMasterKeys } from '../../src/lib/server/vault/store/keys.ts';

const LONG_NAME = 'Réseau départemental d’inclusion numérique du Lot-et-Garonne';

describe('the vault’s SMS', () => {
	let w: World;
	let dir: string;
	let pro: Actor;
	let personId: string;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vault-sms-'));
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: join(dir, 'k.json') }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'b'))
		});
		w = await openWorld({ places: false });
		const pole = await w.organisation('Pôle solidarités de Villeneuve-sur-Lot', 'ccas');
		pro = await w.member('pat@pole.test', pole, 'prescriber');
		personId = await w.person(pro, pole, { firstName: 'Odette', phone: '06 99 88 77 02' });
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const lastSms = async () => {
		const [sms] = await w.db.db.select().from(outbox).where(eq(outbox.to, '+33699887702')).orderBy(desc(outbox.createdAt)).limit(1);
		return sms?.text ?? '';
	};

	it('sends the counter’s code in GSM-7, even under a long instance name', async () => {
		expect(LONG_NAME.length).toBeGreaterThan(52);
		await askPresence(w.db, { actor: pro }, { beneficiaryId: personId, instanceName: LONG_NAME });
		const text = await lastSms();
		expect(text).toMatch(/\b\d{6}\b/);
		expect(smsLength(text).encoding).toBe('GSM-7');
		expect(smsSegments(text)).toBeLessThanOrEqual(2);
	});

	it('sends the paper asked for, in GSM-7, from a structure whose name has an accent outside GSM-7', async () => {
		await requestDocument(
			w.db,
			{ actor: pro },
			{ beneficiaryId: personId, type: 'attestation_css', origin: 'https://maillage.departement47.example', instanceName: LONG_NAME }
		);
		const text = await lastSms();
		expect(text).toContain('Pole solidarités');
		expect(text).toContain('/mon-espace/documents');
		expect(smsLength(text).encoding).toBe('GSM-7');
	});
});

describe('the counter’s code for a person with a landline only', () => {
	let w: World;
	let dir: string;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vault-sms-fixe-'));
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: join(dir, 'k.json') }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'b'))
		});
		w = await openWorld({ places: false });
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('says why it cannot be sent (it threw « not a French mobile number », a 500)', async () => {
		const ccas = await w.organisation('CCAS de Nérac', 'ccas');
		const pro = await w.member('pat@ccas.test', ccas, 'prescriber');
		const personId = await w.person(pro, ccas, { firstName: 'Odette', phone: '05 53 12 34 56' });
		const e = await askPresence(w.db, { actor: pro }, { beneficiaryId: personId, instanceName: 'maillage 47' }).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(DomainError);
		expect((e as DomainError).message).toContain('ni portable ni e-mail');
	});
});
