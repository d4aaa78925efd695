/**
 * The code that opens a person's vault at the counter (issue 15, acceptance walk): its
 * tries are counted whatever the concurrency. The count was read, compared, then written
 * back as « read value + 1 »: requests sent together all read the same count, and each
 * checked its guess — many more than PRESENCE_CODE_TRIES guesses per code on PostgreSQL.
 * And a right code sent twice at once opened the vault twice (two grants).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { grants } from '../../src/lib/server/grants/db.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { askPresence, confirmPresence, setVaultRuntime, PRESENCE_CODE_TRIES } from '../../src/lib/server/vault/index.ts';
import { vaultPresenceCodes } from '../../src/lib/server/vault/db.ts';
import { fileBlobStore } from '../../src/lib/server/vault/store/blobs.ts';
import { loadMasterKeys } from '../../src/lib/server/vault/store/keys.ts';

const outcome = async (p: Promise<unknown>) => {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		throw e;
	}
};

describe('the presence code under concurrent guesses', () => {
	let w: World;
	let dir: string;
	let pro: Actor;
	let personId: string;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vault-race-'));
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: join(dir, 'k.json') }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'b'))
		});
		w = await openWorld({ places: false });
		const ccas = await w.organisation('CCAS de Nérac', 'ccas');
		pro = await w.member('pat@ccas.test', ccas, 'prescriber');
		personId = await w.person(pro, ccas, { firstName: 'Odette', phone: '06 99 88 77 01' });
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const sentCode = async () => {
		const [sms] = await w.db.db.select().from(outbox).where(eq(outbox.to, '+33699887701')).orderBy(desc(outbox.createdAt)).limit(1);
		return /(\d{6})/.exec(sms.text)![1];
	};

	it(`checks at most ${PRESENCE_CODE_TRIES} guesses of one code, even sent all at once`, async () => {
		await askPresence(w.db, { actor: pro }, { beneficiaryId: personId, instanceName: 'maillage 47' });
		const right = await sentCode();
		const wrong = Array.from({ length: 40 }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));
		const results = await Promise.all(wrong.map((c) => outcome(confirmPresence(w.db, { actor: pro }, { beneficiaryId: personId, code: c }))));
		expect(results.filter((r) => r === 'invalid').length).toBeLessThanOrEqual(PRESENCE_CODE_TRIES);
		expect(results.filter((r) => r === 'ok')).toEqual([]);
		const [row] = await w.db.privileged.db.select().from(vaultPresenceCodes).where(eq(vaultPresenceCodes.beneficiaryId, personId));
		expect(row.attempts).toBeLessThanOrEqual(PRESENCE_CODE_TRIES);
		// the tries are spent: even the right code no longer opens
		expect(await outcome(confirmPresence(w.db, { actor: pro }, { beneficiaryId: personId, code: right }))).toBe('throttled');
	});

	it('opens the vault once for a right code sent twice at once', async () => {
		await askPresence(w.db, { actor: pro }, { beneficiaryId: personId, instanceName: 'maillage 47' });
		const right = await sentCode();
		const results = await Promise.all([1, 2, 3].map(() => outcome(confirmPresence(w.db, { actor: pro }, { beneficiaryId: personId, code: right }))));
		expect(results.filter((r) => r === 'ok').length).toBe(1);
		const opened = await w.db.privileged.db
			.select()
			.from(grants)
			.where(and(eq(grants.beneficiaryId, personId), eq(grants.kind, 'vault_presence')));
		expect(opened.length).toBe(1);
	});
});
