/**
 * Issue 17, calendars: an iCal feed of 1,000 sessions built (target ≤ 200 ms). The feed's
 * text only (calendar.ts's feedIcs, what the feed's route answers once its rows are read):
 * 1,000 sessions over two years, one in three of two half-days (1,333 VEVENTs), a place's
 * address each, a webinar's link on one in four. Median and worst of 10 builds after 2
 * warm-ups. Runnable alone: `node --import tsx bench/trainings-ical.ts`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { addDays } from '../src/lib/time.ts';
import { feedIcs, type CalendarSession } from '../src/lib/server/trainings/calendar.ts';

export function trainingsIcalBench(log: (m: string) => void, n = 1000) {
	const sessions: CalendarSession[] = [];
	for (let i = 0; i < n; i++) {
		const day = addDays('2027-01-04', Math.floor((i * 730) / n));
		const slots = [{ day, startTime: '09:00', endTime: '12:00' }];
		if (i % 3 === 0) slots.push({ day, startTime: '14:00', endTime: '17:00' });
		sessions.push({
			id: randomUUID(),
			title: `Formation ${i + 1} : accompagner les démarches en ligne`,
			slots,
			location: `Médiathèque ${i + 1}, ${i + 1} rue de la République, 47000 Agen`,
			url: i % 4 === 0 ? `https://visio.example.fr/session-${i}` : null,
			sequence: i % 5,
			cancelled: i % 20 === 0,
			description: `${(i % 12) + 1} inscrits sur 12 places, ${i % 3} en liste d’attente`
		});
	}
	const owner = { origin: 'https://maillage.example.fr', instanceName: 'Réseau numérique 47' };
	const times: number[] = [];
	// the process's CPU time per build: what the build costs, less blurred than the wall clock by a loaded machine
	const cpu: number[] = [];
	const stamps: number[] = [];
	let bytes = 0;
	for (let k = 0; k < 12; k++) {
		const c0 = process.cpuUsage();
		const t0 = performance.now();
		const text = feedIcs({ name: 'Formations organisées', sessions, owner });
		const ms = performance.now() - t0;
		const c = process.cpuUsage(c0);
		// a feed read again unchanged (feeds.ts): the stamp of what it says, compared with the kept one
		const s0 = performance.now();
		createHash('sha256')
			.update(JSON.stringify(['Formations organisées', owner.origin, sessions]))
			.digest('base64url');
		const stampMs = performance.now() - s0;
		bytes = Buffer.byteLength(text);
		if (k >= 2) {
			times.push(ms);
			cpu.push((c.user + c.system) / 1000);
			stamps.push(stampMs);
		}
	}
	times.sort((a, b) => a - b);
	cpu.sort((a, b) => a - b);
	stamps.sort((a, b) => a - b);
	const out = {
		sessions: n,
		events: sessions.reduce((a, s) => a + s.slots.length, 0),
		bytes,
		medianMs: Math.round(times[Math.floor(times.length / 2)] * 10) / 10,
		maxMs: Math.round(times[times.length - 1] * 10) / 10,
		cpuMedianMs: Math.round(cpu[Math.floor(cpu.length / 2)] * 10) / 10,
		unchangedMedianMs: Math.round(stamps[Math.floor(stamps.length / 2)] * 10) / 10
	};
	log(`[trainings-ical] ${JSON.stringify(out)} (target ≤ 200 ms)`);
	return out;
}

if (import.meta.url === `file://${process.argv[1]}`) trainingsIcalBench(console.log);
