/** The stats capability's one public entry. Counting rules shared by the dashboards (small counts masked). */
export { recomputable, MASKED, shownNestedColumns, SMALL_COUNT, suppressSmallCounts, protectedBy } from './small-counts.ts';
export {
	suppressLinkedCells,
	suppressFlat,
	attack,
	type Line,
	type LinkedCells,
	type LinkedSuppression,
	type FlatLines,
	type FlatCells
} from './linked-cells.ts';
