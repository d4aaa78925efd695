/**
 * A place closed for a while (until a date, with a reason its page shows) or for good (it
 * leaves the search), and reopened: by the coordinators of its département, or, for a
 * while, by its managers.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../permissions/index.ts';
import { places } from './db.ts';
import { isCalendarDay } from '../web/params.ts';
import { parseDay } from '../../time.ts';
import { parisDay } from '../../time.ts';
import { PlaceManagementError } from './errors.ts';
import { canCuratePlace, loadPlace, placeOrganisations, resolveReport } from './edit.ts';

/** "2026-12-06" → "2027-12-06" (29 February → 1 March) */
function addYear(day: string): string {
	const d = new Date(day + 'T12:00:00Z');
	d.setUTCFullYear(d.getUTCFullYear() + 1);
	return d.toISOString().slice(0, 10);
}

export interface ClosureForm {
	kind: 'temporary' | 'permanent' | '';
	until: string;
	reason: string;
}

/**
 * Closes a place for a while (until a date, with a reason shown on its page: the place's
 * managers may too) or for good (coordinators only: the place leaves the search).
 */
export async function closePlace(
	database: Database,
	actor: Actor,
	placeId: string,
	form: ClosureForm,
	opts: { ip?: string | null; reportId?: number | null; today?: string } = {}
): Promise<void> {
	const row = await loadPlace(database, placeId);
	const today = opts.today ?? parisDay();
	const curator = canCuratePlace(actor, row.departmentCode);
	const editor = curator || can(actor, 'place.edit', { departmentCode: row.departmentCode, placeOrganisationIds: await placeOrganisations(database, placeId) });
	if (!editor) throw new PlaceManagementError('forbidden', 'Vous ne gérez pas ce lieu.');
	const errors: Record<string, string> = {};
	const reason = form.reason.replace(/\s+/g, ' ').trim();
	if (form.kind !== 'temporary' && form.kind !== 'permanent') errors.kind = 'Choisissez\u00a0: fermé pour un temps, ou définitivement.';
	if (form.kind === 'permanent' && !curator) errors.kind = 'Seule l’équipe de coordination peut fermer un lieu définitivement.';
	if (form.kind === 'temporary') {
		// the date picker sends 2027-01-15; a browser without one, what the person typed (15/01/2027)
		const day = parseDay(form.until);
		if (!form.until.trim()) errors.until = 'Indiquez la date de réouverture. Exemple\u00a0: 15/01/2027';
		else if (!day || !isCalendarDay(day)) errors.until = 'Cette date n’existe pas. Écrivez-la ainsi\u00a0: 15/01/2027';
		else if (day <= today) errors.until = 'La date de réouverture est passée\u00a0: choisissez une date à venir.';
		// a year at most: beyond, the place is closed for good, which only the coordination decides
		else if (day > addYear(today))
			errors.until = 'Une fermeture temporaire dure un an au plus. Au-delà, demandez à l’équipe de coordination de fermer le lieu définitivement.';
		else form = { ...form, until: day };
		if (!reason) errors.reason = 'Indiquez la raison, que le public lira. Exemple\u00a0: travaux.';
	}
	if (reason.length > 200) errors.reason = 'La raison est trop longue\u00a0: 200 caractères au plus.';
	if (Object.keys(errors).length) throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', errors);
	const set = { closure: form.kind as 'temporary' | 'permanent', closedUntil: form.kind === 'temporary' ? form.until : null, closureReason: reason || null };
	await database.db.transaction(async (tx) => {
		// the same closure sent again (a double click, 50 requests at once): one change, one journal entry
		const [now] = await tx
			.select({ closure: places.closure, closedUntil: places.closedUntil, closureReason: places.closureReason })
			.from(places)
			.where(eq(places.id, placeId))
			.for('update');
		if (!now) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
		if (now.closure === set.closure && (now.closedUntil ?? null) === set.closedUntil && (now.closureReason ?? null) === set.closureReason) {
			await resolveReport(tx, actor, placeId, opts.reportId, 'closed', row.departmentCode, opts.ip);
			return;
		}
		await tx
			.update(places)
			.set({ ...set, updatedAt: new Date() })
			.where(eq(places.id, placeId));
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.closed',
			targetType: 'place',
			targetId: placeId,
			departmentCode: row.departmentCode,
			ip: opts.ip,
			details: { kind: set.closure, until: set.closedUntil, reason: set.closureReason, before: { kind: row.closure, until: row.closedUntil } }
		});
		await resolveReport(tx, actor, placeId, opts.reportId, 'closed', row.departmentCode, opts.ip);
	});
}

export async function reopenPlace(database: Database, actor: Actor, placeId: string, opts: { ip?: string | null } = {}): Promise<void> {
	const row = await loadPlace(database, placeId);
	const curator = canCuratePlace(actor, row.departmentCode);
	if (!row.closure) return;
	if (
		!curator &&
		(row.closure === 'permanent' ||
			!can(actor, 'place.edit', { departmentCode: row.departmentCode, placeOrganisationIds: await placeOrganisations(database, placeId) }))
	)
		throw new PlaceManagementError('forbidden', 'Vous ne pouvez pas rouvrir ce lieu.');
	await database.db.transaction(async (tx) => {
		const [now] = await tx.select({ closure: places.closure }).from(places).where(eq(places.id, placeId)).for('update');
		if (!now?.closure) return; // reopened meanwhile
		await tx.update(places).set({ closure: null, closedUntil: null, closureReason: null, updatedAt: new Date() }).where(eq(places.id, placeId));
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.reopened',
			targetType: 'place',
			targetId: placeId,
			departmentCode: row.departmentCode,
			ip: opts.ip,
			details: { before: { kind: row.closure, until: row.closedUntil, reason: row.closureReason } }
		});
	});
}
