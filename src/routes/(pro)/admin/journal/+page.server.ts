import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { asScoped, departmentsWith } from '#lib/server/accounts/service.ts';
import { searchJournal } from '#lib/server/audit/service.ts';
import { isCalendarDay, positiveInteger } from '#lib/server/web/params.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const p = url.searchParams;
	const q = {
		action: (p.get('action') ?? '').trim().slice(0, 80),
		cible: (p.get('cible') ?? '').trim().slice(0, 200),
		auteur: (p.get('auteur') ?? '').trim(),
		du: p.get('du') ?? '',
		au: p.get('au') ?? ''
	};
	const errors: Record<string, string> = {};
	if (q.auteur && !UUID.test(q.auteur)) errors.auteur = 'L’identifiant de l’auteur n’est pas valide (il figure dans la colonne « Auteur »).';
	// a date in the right format that does not exist (2026-13-45) gets the same message
	if (q.du && (!DAY.test(q.du) || !isCalendarDay(q.du))) errors.du = 'Date invalide. Format attendu : 2026-11-22';
	if (q.au && (!DAY.test(q.au) || !isCalendarDay(q.au))) errors.au = 'Date invalide. Format attendu : 2026-11-22';
	// the cursor of the next page: a whole number written by this page (1e400 was a 500)
	const cursor = positiveInteger(p.get('avant'));
	if (Number.isNaN(cursor)) error(400, 'Le lien de la page suivante n’est pas valide. Relancez la recherche.');
	const before = cursor ?? undefined;
	const db = await getDatabase();
	const result = Object.keys(errors).length
		? { rows: [], next: null }
		: await asScoped(db, actor, (scoped) => searchJournal(db, {
				departmentCodes: actor.isAdmin ? null : departmentsWith(actor, ['coordinator']),
				action: q.action || undefined,
				targetId: q.cible || undefined,
				actorId: q.auteur || undefined,
				from: q.du ? new Date(`${q.du}T00:00:00+01:00`) : undefined,
				to: q.au ? new Date(`${q.au}T23:59:59+01:00`) : undefined,
				before,
				limit: 50
			}, scoped));
	const next = result.next ? new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([, v]) => v)), avant: String(result.next) }).toString() : null;
	return {
		q,
		errors,
		rows: result.rows.map((r) => ({
			id: r.id,
			at: r.at.toISOString(),
			actor: r.actorId ?? (r.actorKind === 'cli' ? 'ligne de commande' : r.actorKind === 'system' ? 'système' : 'public'),
			action: r.action,
			target: `${r.targetType}${r.targetId ? ` ${r.targetId}` : ''}`,
			departmentCode: r.departmentCode,
			ip: r.ip,
			details: r.details ? JSON.stringify(r.details) : null
		})),
		next,
		isFirstPage: !before
	};
};
