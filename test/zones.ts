/**
 * Time-zone independence: `everyZone(name, fn)` runs `fn` as one test per server time zone
 * (TZ), the zone put back afterwards. Paris days and hours must not depend on where the
 * server runs (src/lib/time.ts, src/lib/components/format.ts).
 */
import { afterAll, describe, it } from 'vitest';

export const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Pacific/Kiritimati', 'Asia/Kolkata'];

export function everyZone(name: string, fn: () => void, zones: readonly string[] = ZONES) {
	describe(name, () => {
		const before = process.env.TZ;
		afterAll(() => {
			process.env.TZ = before;
		});
		for (const tz of zones)
			it(`with TZ=${tz}`, () => {
				process.env.TZ = tz;
				fn();
			});
	});
}
