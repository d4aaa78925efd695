/**
 * What the charts draw (issue 16, item 7). Pure types shared by the server (which builds the
 * maps' geometry: src/lib/server/maps) and the components of this folder.
 */

/** A figure of one unit: a number, « masqué » (a small count, or masked to protect one), or no data. */
export type ChartValue = number | 'masked' | null;

/** One unit of a map, projected: its shape (SVG path, null where no boundary is known) and its centre. */
export interface MapUnit {
	/** commune: INSEE code; EPCI: its SIREN; area: the area's id; département: its code */
	code: string;
	name: string;
	/** the unit's shape in the map's coordinates, or null (drawn as a dot at its centre) */
	d: string | null;
	/** its centre (population-weighted centre of its communes), in the map's coordinates */
	x: number;
	y: number;
}

/** A département's map at one level, projected (Lambert conformal conic, fitted to the département). */
export interface MapGeometry {
	departmentCode: string;
	/** 'commune' | 'epci' | 'departement' | an area kind */
	levelKey: string;
	/** the viewBox: 0 0 width height */
	width: number;
	height: number;
	/** the département's outline ('' when no boundary is stored) */
	outline: string;
	/** 'shapes' when units have boundaries, 'dots' when they are drawn at their centres */
	mode: 'shapes' | 'dots';
	units: MapUnit[];
	/** where the boundaries come from, said under the map */
	source: string;
}

/** A unit's figure for a map: `code` as in MapUnit. */
export interface MapDatum {
	code: string;
	value: ChartValue;
}

/** A bar of a bar chart, a segment of a stacked bar, a step of a funnel. */
export interface BarDatum {
	label: string;
	value: ChartValue;
	/** a finer line under the label (the data table shows it too) */
	note?: string;
	/** a grouped bar chart (BarChart's `series`): one value per series, `value` unused */
	values?: ChartValue[];
}

/** A series of a line chart: one point per month (`YYYY-MM-01`). */
export interface LineSeries {
	label: string;
	points: { month: string; value: ChartValue }[];
}

/**
 * How a steering table is drawn beside it (issue 16, item 7; SteeringSections.svelte): from
 * the table's own cells, already masked (bars, lines, a funnel), or, for a map, from its
 * units' figures keyed as the map's units (the same masked figures, the table's units
 * without a shape aside). `columns` are indexes in the table's rows (0 is the row's label).
 */
export type TableChart =
	| { kind: 'funnel'; title: string; /** the first `steps` rows are the steps, the others the ways out */ steps: number }
	| {
			kind: 'bars';
			title: string;
			/** one column: a bar per row; several: a group of bars per row, one per column (its heading names it) */
			columns: number[];
			/** what a bar's value is, after a number: « personnes », « orientations » */
			measure: string;
			/** the rows' words, singular and plural */
			unit: [string, string];
			feminine?: boolean;
			/** a group per column and a bar per row (an autonomy table: a group per axis, a bar per level) */
			byColumn?: boolean;
			/** largest first (categories without an order of their own: needs, themes, kinds of structure) */
			sort?: boolean;
			highest?: string;
			highestOne?: string;
	  }
	| { kind: 'line'; title: string; /** a series per column */ columns: number[]; /** the rows' months (YYYY-MM-01) */ months: string[]; measure: string }
	| {
			kind: 'map';
			title: string;
			/** persons: proportional circles; percent: a choropleth */
			value: 'persons' | 'percent';
			measure: string;
			data: MapDatum[];
			/** a percent map: diverging around this value (the département's) */
			reference?: number | null;
			referenceLabel?: string;
			highest?: string;
			highestOne?: string;
	  };
