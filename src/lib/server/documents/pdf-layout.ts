/**
 * The page of the documents and the shapes the writer takes: A4 margins, the two fonts,
 * the colours, the text sizes and gaps (12 pt minimum everywhere, dark text on white);
 * the writer's options, label/value rows, table columns.
 */
/** Millimetres to PDF points. */
export const mm = (n: number): number => (n * 72) / 25.4;

export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;
export const COLOR = {
	text: '#1a1a1a',
	heading: '#14325c',
	muted: '#404040',
	rule: '#8c8c8c',
	tint: '#eef2f8',
	accent: '#14325c'
} as const;

export const MARGIN = { top: mm(18), bottom: mm(24), left: mm(20), right: mm(20) };
/** The lowest text size in these documents. */
export const MIN_SIZE = 12;

export interface PdfOptions {
	/** the document's title: metadata, shown by the viewer's title bar */
	title: string;
	/** the instance (platform) name: the author */
	instanceName: string;
	subject?: string;
	/** body text size in points (12 at least) */
	bodySize?: number;
	/** the left part of the footer, beside "Page 1 sur 2" */
	footer?: string;
	/** tighter headings (smaller, less space around): a one-page sheet */
	compact?: boolean;
}

/** A label and its value (one line of text, or several). */
export type KeyValue = readonly [label: string, value: string | readonly string[]];

export interface TableColumn {
	header: string;
	/** a share of the text width (the shares are added up) */
	width: number;
}

export type Struct = PDFKit.PDFStructureElement;
export type StructOptions = PDFKit.Mixins.StructureElementOptions;
export type Level = 1 | 2 | 3;

export const KV_GUTTER = 10;
export const KV_ROW_GAP = 3;
export const BULLET_INDENT = 18;
export const TABLE_PAD = { x: 6, y: 5 };
