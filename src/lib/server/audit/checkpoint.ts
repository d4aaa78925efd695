/**
 * The journal's anchor outside the database. The hash chain alone proves nothing to
 * someone who can rewrite the table (its owner can disable the append-only triggers):
 * they can cut the tail, or edit an entry and recompute every hash after it. So, every
 * hour (jobs/maintenance.ts) and on `maillage audit checkpoint`, the head of the chain
 * (its sequence number and hash) is signed and appended, one JSON line per checkpoint, to
 * a file outside the database: AUDIT_CHECKPOINT_FILE, by default
 * DATA_DIR/audit-checkpoints.jsonl.
 *
 * The signature is an HMAC-SHA256 with a key derived (HKDF) from the instance secret
 * (SECRET_KEY, or DATA_DIR/secret.key), never stored in the database: whoever holds only
 * the database cannot forge a checkpoint. HMAC rather than an Ed25519 key pair: no new key
 * to keep and back up (the instance secret already is), and the one who verifies is the
 * instance itself. Each line also carries the previous line's signature, so a line
 * removed from the middle of the file shows.
 *
 * Between two checkpoints, each entry's seal (an HMAC of its number and hash with another
 * derived key, service.ts) shows an entry appended behind the application's back: without
 * the instance secret, nobody computes a valid one.
 *
 * `verifyAudit` walks the chain in sequence order and checks every checkpoint: a missing
 * entry is named by its sequence number, a cut tail by the checkpoint that covered it, a
 * recomputed chain by the checkpoint whose hash no longer matches, a forged checkpoint by
 * its bad signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { asc, gt, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { dataDir } from '../paths.ts';
import { derivedKey } from '../security/secret.ts';
import { auditLog } from './db.ts';
import { canonicalJson, chainHash, GENESIS_HASH, seal } from './model.ts';

export interface Checkpoint {
	v: 1;
	/** the sequence number of the chain's head when signed */
	seq: number;
	/** its hash */
	hash: string;
	/** when it was signed (ISO 8601) */
	at: string;
	/** the signing key's fingerprint (not the key) */
	key: string;
	/** the previous line's signature, null on the first line */
	prev: string | null;
	/** the first sealed entry (migration 0014 on): every entry from it on must carry a valid seal */
	sealedFrom: number | null;
	sig: string;
}

/** Where the checkpoints go: AUDIT_CHECKPOINT_FILE, else DATA_DIR/audit-checkpoints.jsonl. */
export function checkpointFile(): string {
	return process.env.AUDIT_CHECKPOINT_FILE || join(dataDir(), 'audit-checkpoints.jsonl');
}

const key = () => derivedKey('audit-checkpoints');

/** A fingerprint of the signing key: tells a checkpoint of another key (SECRET_KEY changed) from a forged one. */
export function keyFingerprint(): string {
	return createHash('sha256').update('maillage audit checkpoint key').update(key()).digest('hex').slice(0, 16);
}

function signature(c: Omit<Checkpoint, 'sig'>): string {
	return createHmac('sha256', key())
		.update(canonicalJson([c.v, c.seq, c.hash, c.at, c.key, c.prev, c.sealedFrom ?? null]))
		.digest('hex');
}

function validSignature(c: Checkpoint): boolean {
	const expected = Buffer.from(signature(c));
	const given = Buffer.from(String(c.sig ?? ''));
	return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface CheckpointLine {
	line: number;
	checkpoint: Checkpoint | null;
	/** its signature holds: what it says is authentic (even when the line before it was removed) */
	signed: boolean;
	/** what is wrong with it (bad signature, another key, not following the line before); null when nothing */
	problem: string | null;
}

/** Reads and checks every line of the file (none when it does not exist). */
export async function readCheckpoints(file = checkpointFile()): Promise<CheckpointLine[]> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw e;
	}
	const out: CheckpointLine[] = [];
	let prevSig: string | null = null;
	const mine = keyFingerprint();
	text.split('\n').forEach((raw, i) => {
		if (!raw.trim()) return;
		const line = i + 1;
		let c: Checkpoint;
		try {
			c = JSON.parse(raw);
			if (c?.v !== 1 || !Number.isSafeInteger(c.seq) || typeof c.hash !== 'string' || typeof c.at !== 'string') throw new Error('shape');
		} catch {
			out.push({ line, checkpoint: null, signed: false, problem: `checkpoint line ${line} is unreadable` });
			return;
		}
		const what = `checkpoint line ${line} (entry #${c.seq}, ${c.at})`;
		let problem: string | null = null;
		const signed = c.key === mine && validSignature(c);
		if (c.key !== mine) problem = `${what} is signed with another key (${String(c.key)}, this instance's is ${mine}): forged, or the instance secret changed`;
		else if (!signed) problem = `${what} has a bad signature: forged or altered`;
		else if (c.prev !== prevSig) problem = `${what} does not follow the line before it: a checkpoint was removed or inserted`;
		out.push({ line, checkpoint: c, signed, problem });
		prevSig = typeof c.sig === 'string' ? c.sig : null;
	});
	return out;
}

export interface AuditReport {
	ok: boolean;
	/** entries walked */
	entries: number;
	/** the chain's head in the database: sequence number and hash */
	head: { seq: number; hash: string } | null;
	checkpoints: { lines: number; valid: number; latest: Checkpoint | null; file: string };
	/** every breach found, named (sequence numbers, checkpoint lines) */
	problems: string[];
}

const MAX_PROBLEMS = 100;

interface Walk {
	entries: number;
	head: { seq: number; hash: string } | null;
	problems: string[];
	hashAt: Map<number, string>;
	/** the first entry with a valid seal met */
	firstSealed: number | null;
}

/**
 * Walks the chain in sequence order from entry `from` (1: the whole journal), the entry
 * before it being `start` (seq, hash). Records the stored hash of the entries in `watch`.
 */
async function walk(db: DbOrTx, watch: Set<number>, start = { seq: 0, hash: GENESIS_HASH }, sealedFrom: number | null = null, batch = 5000): Promise<Walk> {
	const sealKey = derivedKey('audit-entries');
	let firstSealed: number | null = null;
	// once an entry is sealed, every later one must be: an entry appended behind the application's back has no valid seal
	let mustSeal = sealedFrom !== null && start.seq >= sealedFrom;
	const unsealed: { seq: number; id: number; kind: 'none' | 'bad' }[] = [];
	const problems: string[] = [];
	const hashAt = new Map<number, string>();
	const push = (m: string) => {
		if (problems.length < MAX_PROBLEMS) problems.push(m);
	};
	let expected = start.seq + 1;
	let prev = start.hash;
	let after = start.seq;
	let entries = 0;
	let head: Walk['head'] = start.seq ? { ...start } : null;
	for (;;) {
		const rows = await db.select().from(auditLog).where(gt(auditLog.seq, after)).orderBy(asc(auditLog.seq)).limit(batch);
		for (const r of rows) {
			entries++;
			let gap = false;
			if (r.seq > expected) {
				push(r.seq - expected === 1 ? `entry #${expected} is missing` : `entries #${expected} to #${r.seq - 1} are missing (${r.seq - expected})`);
				gap = true;
			}
			if (!gap && r.prevHash !== prev) push(`entry #${r.seq} (id ${r.id}) does not follow entry #${r.seq - 1}: an entry before it was changed or removed`);
			const recomputed = chainHash(r.prevHash, r);
			if (recomputed !== r.hash) push(`entry #${r.seq} (id ${r.id}) was changed: its hash does not match its content`);
			if (r.mac === null) {
				if (mustSeal || (sealedFrom !== null && r.seq >= sealedFrom)) unsealed.push({ seq: r.seq, id: r.id, kind: 'none' });
			} else if (r.mac !== seal(sealKey, r.seq, r.hash)) unsealed.push({ seq: r.seq, id: r.id, kind: 'bad' });
			else {
				mustSeal = true;
				firstSealed ??= r.seq;
			}
			if (watch.has(r.seq)) hashAt.set(r.seq, r.hash);
			// go on from the stored hash: one edit is named once, not at every entry after it
			prev = r.hash;
			expected = r.seq + 1;
			head = { seq: r.seq, hash: r.hash };
		}
		if (rows.length < batch) break;
		after = rows[rows.length - 1].seq;
	}
	for (const m of sealRuns(unsealed)) push(m);
	return { entries, head, problems, hashAt, firstSealed };
}

/** The entries without a valid seal, consecutive ones of the same kind named together. */
function sealRuns(xs: { seq: number; id: number; kind: 'none' | 'bad' }[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < xs.length;) {
		let j = i;
		while (j + 1 < xs.length && xs[j + 1].kind === xs[i].kind && xs[j + 1].seq === xs[j].seq + 1) j++;
		const { kind } = xs[i];
		if (i === j)
			out.push(
				kind === 'none'
					? `entry #${xs[i].seq} (id ${xs[i].id}) has no seal: it was not written by the application`
					: `entry #${xs[i].seq} (id ${xs[i].id}) has a bad seal: forged, or written with another instance secret`
			);
		else
			out.push(
				kind === 'none'
					? `entries #${xs[i].seq} to #${xs[j].seq} have no seal (${j - i + 1}): they were not written by the application`
					: `entries #${xs[i].seq} to #${xs[j].seq} have bad seals (${j - i + 1}): forged, or written with another instance secret`
			);
		i = j + 1;
	}
	return out;
}

/** Checks the whole chain and every checkpoint of the file. */
export async function verifyAudit(database: Database, opts: { file?: string } = {}): Promise<AuditReport> {
	const file = opts.file ?? checkpointFile();
	const lines = await readCheckpoints(file);
	const valid = lines.filter((l) => l.signed).map((l) => l.checkpoint!);
	const sealedFrom = valid.reduce<number | null>((m, c) => (typeof c.sealedFrom === 'number' && (m === null || c.sealedFrom < m) ? c.sealedFrom : m), null);
	const w = await walk(database.db, new Set(valid.map((c) => c.seq)), undefined, sealedFrom);
	const problems = [...w.problems, ...lines.filter((l) => l.problem).map((l) => l.problem!)];
	problems.push(...checkAgainst(valid, w));
	return {
		ok: problems.length === 0,
		entries: w.entries,
		head: w.head,
		checkpoints: { lines: lines.length, valid: valid.length, latest: valid.at(-1) ?? null, file },
		problems
	};
}

/** What the signed checkpoints say the chain must still hold. */
function checkAgainst(valid: Checkpoint[], w: Walk): string[] {
	const out: string[] = [];
	const headSeq = w.head?.seq ?? 0;
	// the furthest checkpoint: a tail cut before it
	const furthest = valid.reduce<Checkpoint | null>((m, c) => (!m || c.seq > m.seq ? c : m), null);
	if (furthest && furthest.seq > headSeq)
		out.push(
			`the journal ends at entry #${headSeq} but the checkpoint of ${furthest.at} covers entry #${furthest.seq}: entries #${headSeq + 1} to #${furthest.seq} were removed (tail cut)`
		);
	// the first checkpoint the chain no longer matches: rewritten up to there
	const mismatched = valid.filter((c) => c.seq <= headSeq && w.hashAt.has(c.seq) && w.hashAt.get(c.seq) !== c.hash);
	if (mismatched.length) {
		const c = [...mismatched].sort((a, b) => a.seq - b.seq)[0];
		// the last checkpoint before it that still holds bounds the rewritten stretch
		const holds = valid.filter((x) => x.seq < c.seq && w.hashAt.get(x.seq) === x.hash).sort((a, b) => b.seq - a.seq)[0];
		const from = holds ? `after entry #${holds.seq} (still matching the checkpoint of ${holds.at}) ` : '';
		out.push(
			`entry #${c.seq} does not match the checkpoint of ${c.at}: the chain was rewritten ${from}up to there${mismatched.length > 1 ? ` (and ${mismatched.length - 1} later checkpoint${mismatched.length > 2 ? 's' : ''} no longer match)` : ''}`
		);
	}
	return out;
}

export class AuditIntegrityError extends Error {
	constructor(public problems: string[]) {
		super(`audit journal: ${problems.length} problem${problems.length > 1 ? 's' : ''}, no checkpoint written: ${problems.slice(0, 3).join('; ')}`);
	}
}

/** pg_advisory_xact_lock key of checkpointing ("maillage checkpoint") */
const CHECKPOINT_LOCK = 0x6d61_6370;

/**
 * Signs the chain's head and appends it to the file. The chain is checked first, from
 * the latest valid checkpoint on (the whole journal the first time): a tampered journal
 * gets no checkpoint (AuditIntegrityError). Nothing new since the latest: nothing written.
 */
export async function makeCheckpoint(
	database: Database,
	opts: { file?: string; now?: Date } = {}
): Promise<{ written: boolean; checkpoint: Checkpoint | null; checked: number }> {
	const file = opts.file ?? checkpointFile();
	return database.db.transaction(async (tx) => {
		// one writer of the file at a time (the hourly job and the command)
		await tx.execute(sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`);
		const lines = await readCheckpoints(file);
		const bad = lines.filter((l) => l.problem).map((l) => l.problem!);
		if (bad.length) throw new AuditIntegrityError(bad);
		const latest = lines.at(-1)?.checkpoint ?? null;
		let start = { seq: 0, hash: GENESIS_HASH };
		if (latest) {
			const [at] = await tx
				.select({ seq: auditLog.seq, hash: auditLog.hash })
				.from(auditLog)
				.where(sql`${auditLog.seq} = ${latest.seq}`);
			const problems = checkAgainst([latest], {
				entries: 0,
				head: at ? { seq: at.seq, hash: at.hash } : null,
				problems: [],
				hashAt: new Map(at ? [[at.seq, at.hash]] : []),
				firstSealed: null
			});
			if (!at && !problems.length) problems.push(`entry #${latest.seq} is missing`);
			if (problems.length) throw new AuditIntegrityError(problems);
			start = { seq: latest.seq, hash: latest.hash };
		}
		const w = await walk(tx, new Set(), start, latest?.sealedFrom ?? null);
		if (w.problems.length) throw new AuditIntegrityError(w.problems);
		if (!w.head || (latest && w.head.seq === latest.seq)) return { written: false, checkpoint: latest, checked: w.entries };
		const unsigned = {
			v: 1 as const,
			seq: w.head.seq,
			hash: w.head.hash,
			at: (opts.now ?? new Date()).toISOString(),
			key: keyFingerprint(),
			prev: latest?.sig ?? null,
			sealedFrom: latest?.sealedFrom ?? w.firstSealed
		};
		const checkpoint: Checkpoint = { ...unsigned, sig: signature(unsigned) };
		await mkdir(dirname(file), { recursive: true });
		await appendFile(file, JSON.stringify(checkpoint) + '\n', { mode: 0o600 });
		return { written: true, checkpoint, checked: w.entries };
	});
}

/** The command's lines: first a summary, then one line per problem. */
export function formatAuditReport(r: AuditReport): string {
	const range = r.head ? ` (#1 to #${r.head.seq})` : '';
	const cps = r.checkpoints.latest
		? `${r.checkpoints.valid} checkpoint${r.checkpoints.valid > 1 ? 's' : ''}, the latest at entry #${r.checkpoints.latest.seq} (${r.checkpoints.latest.at})`
		: `no checkpoint yet in ${r.checkpoints.file} (run "maillage audit checkpoint")`;
	if (r.ok) return `audit journal: ${r.entries} entries${range}, chain intact; ${cps}${r.checkpoints.latest ? ' matches' : ''}\n`;
	return `audit journal: ${r.entries} entries${range}; ${cps}: ${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`;
}
