/** The stats capability's one public entry. Counting rules shared by the dashboards (small counts masked). */
export { recomputable, MASKED, shownNestedColumns, SMALL_COUNT, suppressSmallCounts, protectedBy } from './small-counts.ts';
export { suppressLinkedCells, attack, type Line, type LinkedCells, type LinkedSuppression } from './linked-cells.ts';
