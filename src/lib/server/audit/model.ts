/**
 * Pure rules of the audit journal: canonical JSON, digests, the chain hash.
 */
import { createHash, createHmac } from 'node:crypto';

/** 'person': the person helped, on their own page; 'link': a place answering through a signed link */
export type AuditActor = { kind: 'user'; id: string } | { kind: 'system' } | { kind: 'cli' } | { kind: 'public' } | { kind: 'person' } | { kind: 'link' };

export interface AuditEntry {
	actor: AuditActor;
	/** verb in the past, dotted: 'user.invited', 'place.updated', 'membership.removed'… */
	action: string;
	targetType: string;
	targetId?: string | null;
	departmentCode?: string | null;
	ip?: string | null;
	/** the state before / after: only their digests are kept */
	before?: unknown;
	after?: unknown;
	/** non-personal details (which fields changed, a role, a status) */
	details?: Record<string, unknown> | null;
}

/** What the chain hash covers, in this order. */
export interface ChainedFields {
	at: Date;
	actorKind: string;
	actorId: string | null;
	action: string;
	targetType: string;
	targetId: string | null;
	departmentCode: string | null;
	ip: string | null;
	beforeDigest: string | null;
	afterDigest: string | null;
	details: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
	if (v === undefined) return 'null';
	if (v === null || typeof v !== 'object') return JSON.stringify(v);
	if (v instanceof Date) return JSON.stringify(v.toISOString());
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	const o = v as Record<string, unknown>;
	return `{${Object.keys(o)
		.filter((k) => o[k] !== undefined)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
		.join(',')}}`;
}

/** SHA-256 of a state's canonical JSON, or null when there is no such state. */
export function digest(state: unknown): string | null {
	if (state === undefined || state === null) return null;
	return createHash('sha256').update(canonicalJson(state)).digest('hex');
}

export function chainHash(prevHash: string, e: ChainedFields): string {
	const text = canonicalJson([
		prevHash,
		e.at.toISOString(),
		e.actorKind,
		e.actorId,
		e.action,
		e.targetType,
		e.targetId,
		e.departmentCode,
		e.ip,
		e.beforeDigest,
		e.afterDigest,
		e.details ?? null
	]);
	return createHash('sha256').update(text).digest('hex');
}

/** The names of the top-level fields whose values differ: what an update changed, without the values. */
export function changedFields(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): string[] {
	const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
	return [...keys].filter((k) => canonicalJson(before?.[k]) !== canonicalJson(after?.[k])).sort();
}

/** An entry's seal: binds its sequence number and hash to a key the database does not hold. */
export function seal(key: Buffer, seq: number, hash: string): string {
	return createHmac('sha256', key).update(`${seq}:${hash}`).digest('hex');
}
