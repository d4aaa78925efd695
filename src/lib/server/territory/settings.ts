/**
 * The instance's settings (name, départements, colours, legal pages' contacts): one row,
 * created from the environment on first read, kept 10 seconds in memory.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { instanceSettings } from './db.ts';
import { TerritoryError, zodFieldErrors, type FieldError } from './model.ts';
import { defaultInstanceSettings, instanceSettingsPatchSchema, type InstanceSettings } from './settings-model.ts';
import { knownDepartmentCodes } from './load.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../permissions/index.ts';

function toSettings(row: typeof instanceSettings.$inferSelect): InstanceSettings {
	return {
		name: row.name,
		departmentCodes: row.departmentCodes,
		logoUrl: row.logoUrl,
		colorPrimary: row.colorPrimary,
		colorAccent: row.colorAccent,
		contactEmail: row.contactEmail,
		publisher: row.publisher,
		publicationDirector: row.publicationDirector,
		host: row.host,
		dpoContact: row.dpoContact,
		accessibilityContact: row.accessibilityContact,
		updatedAt: row.updatedAt
	};
}

/** The instance's settings; the row is created from the environment on first call. */
/**
 * Every page reads the settings (name, colours): kept 10 seconds in memory. A change made
 * here is seen at once; one made by another process (`maillage config set`) within 10 s.
 */
const settingsCache = new WeakMap<Database, { at: number; value: Promise<InstanceSettings> }>();
const SETTINGS_TTL_MS = 10_000;

export function getInstanceSettings(database: Database): Promise<InstanceSettings> {
	const hit = settingsCache.get(database);
	if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
	const value = readInstanceSettings(database);
	settingsCache.set(database, { at: Date.now(), value });
	value.catch(() => settingsCache.delete(database));
	return value;
}

async function readInstanceSettings(database: Database): Promise<InstanceSettings> {
	const [row] = await database.db.select().from(instanceSettings).where(eq(instanceSettings.id, 1));
	if (row) return toSettings(row);
	await database.db
		.insert(instanceSettings)
		.values({ id: 1, ...defaultInstanceSettings() })
		.onConflictDoNothing();
	const [created] = await database.db.select().from(instanceSettings).where(eq(instanceSettings.id, 1));
	return toSettings(created);
}

export type UpdateInstanceSettingsResult = { ok: true; settings: InstanceSettings } | { ok: false; errors: FieldError[] };

/** Validates and applies a partial change (French messages per field); nothing is written when invalid. */
/** Without `by`: the command line and the first start (no journal entry, nobody acting). */
export async function updateInstanceSettings(
	database: Database,
	patch: unknown,
	by?: { actor: Actor; ip?: string | null }
): Promise<UpdateInstanceSettingsResult> {
	settingsCache.delete(database);
	const parsed = instanceSettingsPatchSchema.safeParse(patch);
	if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error) };
	const data = parsed.data;
	if (data.departmentCodes) {
		const known = await knownDepartmentCodes(database.db);
		const unknown = data.departmentCodes.filter((d) => !known.has(d));
		if (unknown.length)
			return {
				ok: false,
				errors: [{ field: 'departmentCodes', message: `Département(s) inconnu(s)\u00a0: ${unknown.join(', ')}.` }]
			};
	}
	const before = await getInstanceSettings(database);
	const set = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
	const settings = await database.db.transaction(async (tx) => {
		const [row] = await tx
			.update(instanceSettings)
			.set({ ...set, updatedAt: new Date() })
			.where(eq(instanceSettings.id, 1))
			.returning();
		const after = toSettings(row);
		if (by)
			await journal(tx, {
				actor: { kind: 'user', id: by.actor.userId },
				action: 'instance.settings_updated',
				targetType: 'instance',
				targetId: '1',
				ip: by.ip ?? null,
				before,
				after
			});
		return after;
	});
	settingsCache.delete(database);
	return { ok: true, settings };
}

/**
 * The administrator changes the instance's settings from its page: checked with can(),
 * journaled with what they were before, in the same transaction.
 */
export async function changeInstanceSettings(database: Database, actor: Actor, patch: unknown, ip?: string | null): Promise<UpdateInstanceSettingsResult> {
	if (!can(actor, 'settings.manage', {})) throw new TerritoryError('forbidden', 'Seule l’administration de l’instance peut modifier ses réglages.');
	return updateInstanceSettings(database, patch, { actor, ip });
}
