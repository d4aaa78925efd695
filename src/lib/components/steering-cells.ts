/**
 * The cells of a steering table (issue 16) as a page shows them, by their column's kind:
 * French numbers, a ratio as a percentage, a masked count as « masqué ». Pure: the pages use
 * it (the CSV writes its own, steering/exports.ts).
 */
import { dayLabel, euros } from './format.ts';

/** The shapes of steering/model.ts's SteeringCell and SteeringColumn['kind'] (components do not import server modules). */
export type Cell = string | number | null | { masked: true };
export type CellKind = 'text' | 'count' | 'persons' | 'percent' | 'per10k' | 'km' | 'days' | 'cents' | 'day' | 'score';

const nf0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** The text of a cell; null for an empty one (the page says « non disponible »). */
export function cellText(cell: Cell, kind: CellKind, masked = 'masqué'): string | null {
	if (cell == null) return null;
	if (typeof cell === 'object') return masked;
	if (typeof cell === 'string') return kind === 'day' ? dayLabel(cell) : cell;
	switch (kind) {
		case 'percent':
			return `${nf1.format(cell * 100)}\u00a0%`;
		case 'per10k':
		case 'km':
			return nf1.format(cell);
		case 'score':
			return nf2.format(cell);
		case 'cents':
			return euros(cell);
		default:
			return nf0.format(cell);
	}
}
