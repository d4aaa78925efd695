import type { DocumentView } from '#lib/server/vault/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { parisDay, daysBetween } from '#lib/time.ts';

/** A document as the person's pages show it: words and dates, no ids beyond the link. */
export function documentCard(d: DocumentView, now = new Date()) {
	const today = parisDay(now);
	const left = d.expiresOn ? daysBetween(today, d.expiresOn) : null;
	return {
		id: d.id,
		title: d.title,
		typeLabel: d.typeLabel,
		categoryLabel: d.categoryLabel,
		isPdf: d.mime === 'application/pdf',
		pages: d.pages,
		size: d.bytes < 1024 * 1024 ? `${Math.max(1, Math.round(d.bytes / 1024))} Ko` : `${(d.bytes / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`,
		addedOn: formatDate(d.createdAt),
		by: d.origin === 'person' ? 'vous' : d.depositedBy ? `${d.depositedBy}, avec votre accord` : d.originLabel,
		validUntil: d.expiresOn ? formatDate(new Date(`${d.expiresOn}T12:00:00Z`)) : null,
		expired: left !== null && left < 0,
		expiresSoon: left !== null && left >= 0 && left <= 30,
		integrityFailed: d.integrityFailed,
		sha256: d.sha256
	};
}

export type DocumentCard = ReturnType<typeof documentCard>;
