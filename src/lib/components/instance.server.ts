import { createHash } from 'node:crypto';
import { getDatabase } from '#lib/server/db/client.ts';
import { type InstanceSettings, getInstanceSettings } from '#lib/server/territory/index.ts';

/** What the layout and the theme need from the instance's settings. */
export interface InstanceView {
	name: string;
	logoUrl: string | null;
	contactEmail: string | null;
	departmentCodes: string[];
	colorPrimary: string | null;
	colorAccent: string | null;
	/** changes when the colours change: cache-buster for /theme.css */
	themeVersion: string;
}

const FALLBACK_NAME = 'Trouver de l’aide au numérique';

/** Reads the settings; pages still render (with defaults) when the database is not ready. */
export async function loadInstance(): Promise<InstanceView> {
	let s: Partial<InstanceSettings> | null = null;
	try {
		s = await getInstanceSettings(await getDatabase());
	} catch (e) {
		console.error('[layout] instance settings unavailable:', (e as Error).message);
	}
	const colorPrimary = s?.colorPrimary ?? null;
	const colorAccent = s?.colorAccent ?? null;
	return {
		name: s?.name || FALLBACK_NAME,
		logoUrl: s?.logoUrl ?? null,
		contactEmail: s?.contactEmail ?? null,
		departmentCodes: s?.departmentCodes ?? [],
		colorPrimary,
		colorAccent,
		themeVersion: createHash('sha256').update(`${colorPrimary}|${colorAccent}`).digest('hex').slice(0, 10)
	};
}
