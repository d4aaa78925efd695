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
}

/** A series of a line chart: one point per month (`YYYY-MM-01`). */
export interface LineSeries {
	label: string;
	points: { month: string; value: ChartValue }[];
}
