/**
 * A place's stored value as a coordinator reads it (the merge page, the hand corrections):
 * a phone « 05 56 84 64 40 », opening hours « Lundi : 9 h – 12 h, 14 h – 17 h ; … », a SIRET
 * « 123 456 789 00012 », texts from the sources with French spacing. The stored values (the
 * national standard's formats) are never changed by this.
 */
import { formatPhone, formatRange, spacedSiret } from '../../components/format.ts';
import { frenchSpacing } from '../../text/typography.ts';
import { weekTable } from './hours-week.ts';

export function placeValueText(field: string, v: unknown): string {
	if (v == null || v === '') return '';
	if (Array.isArray(v))
		return v
			.map((x) => placeValueText(field, x))
			.filter(Boolean)
			.join(', ');
	const s = String(v);
	if (field === 'locationPrecision') return s === 'municipality' ? 'approximative (centre de la commune)' : s === 'address' ? 'à l’adresse' : s;
	if (field === 'telephone') return formatPhone(s);
	if (field === 'pivot') return /^\d{14}$/.test(s.replace(/\s+/g, '')) ? spacedSiret(s.replace(/\s+/g, '')) : s;
	if (field === 'horaires') {
		const week = weekTable(s);
		if (!week) return frenchSpacing(s.split(/\s*;\s*/).join('\u00a0; ')); // not the standard's format: as written, spaced
		const open = week.filter((d) => !d.closed).map((d) => `${d.day}\u00a0: ${d.ranges.map(formatRange).join(', ')}`);
		return open.length ? open.join('\u00a0; ') : 'fermé toute la semaine';
	}
	return frenchSpacing(s);
}
