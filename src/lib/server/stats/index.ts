/** The stats capability's one public entry. Counting rules shared by the dashboards (small counts masked). */
export { recomputable, MASKED, shownNestedColumns, SMALL_COUNT, suppressSmallCounts } from './small-counts.ts';
