/** The funnel's summary (outcomes.ts): its steps said, not the generic « le plus » that always named « Envoyées ». */
import { describe, expect, it } from 'vitest';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';
import { funnelSummary } from './outcomes.ts';

const table = (sent: SteeringCell, accepted: SteeringCell, honoured: SteeringCell): SteeringTable =>
	({
		id: 'resultats-entonnoir',
		title: 'Parcours des orientations dans la période',
		columns: [
			{ key: 'etape', label: 'Étape', kind: 'text' },
			{ key: 'orientations', label: 'Orientations', kind: 'persons' }
		],
		rows: [
			['Envoyées', sent],
			['Acceptées par le lieu', accepted],
			['Honorées (la personne est venue)', honoured]
		]
	}) as unknown as SteeringTable;

describe('the referral funnel’s summary', () => {
	it('says sent, accepted and honoured with French numbers', () => {
		expect(funnelSummary(table(1389, 980, 751))).toBe('1\u202f389 orientations envoyées, 980 acceptées, 751 honorées dans la période.');
	});
	it('says a masked step is masked, never a number for it', () => {
		const s = funnelSummary(table(12, 7, MASKED_CELL));
		expect(s).toMatch(/^12 orientations envoyées, 7 acceptées, honorées masquées/);
		expect(s).not.toContain('le plus');
	});
});
