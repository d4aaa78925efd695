/**
 * The person's vault, seen by a professional (issue 15, items 2, 4 and 7): only what the
 * person shared with their structure or with them, or everything for 30 minutes when the
 * person, present at the counter, gave the code sent to their phone. Then the professional
 * may add a scan for them. Every read is journaled and shown to the person.
 */
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { loadBeneficiary } from '#lib/server/beneficiaries/index.ts';
import {
	askPresence,
	closePresence,
	confirmPresence,
	depositDocument,
	documentsForProfessional,
	pendingPresenceCode,
	MAX_PDF_BYTES,
	PRESENCE_CODE_MINUTES,
	PRESENCE_MINUTES,
	typeGroups,
	requestDocument,
	requestsForProfessional,
	provideRequest,
	cancelRequest,
	REQUEST_NOTE_MAX
} from '#lib/server/vault/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { DomainError } from '#lib/server/errors.ts';
import { formatDate, formatDateTime } from '#lib/components/format.ts';
import { cleanText } from '#lib/server/web/input.ts';
import { parisDay } from '#lib/time.ts';
import { withUploadSlot } from '#lib/server/web/uploads.ts';
import { formFailure } from '#lib/server/web/errors.ts';
import { loadInstance } from '#lib/components/instance.server.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const who = { kind: 'professional' as const, actor, ip: locals.ip };
	let name: string | null = null;
	let canAsk = false;
	try {
		const b = await loadBeneficiary(db.db, actor, params.id, 'read');
		name = [b.firstName, b.lastName].filter(Boolean).join(' ') || b.pseudonym || null;
		canAsk = !b.anonymisedAt;
	} catch {
		/* a share alone: the documents shared, not the record */
	}
	const v = await documentsForProfessional(db, who, params.id);
	const requests = await requestsForProfessional(db, { actor }, params.id);
	const STATUS = { open: 'en attente', provided: 'fourni', cancelled: 'retirée' } as const;
	return {
		requests: requests.map((r) => ({
			id: r.id,
			typeLabel: r.typeLabel,
			organisation: r.organisation,
			askedOn: formatDate(r.createdAt),
			status: r.status,
			statusLabel: STATUS[r.status],
			documentId: r.documentId
		})),
		noteMax: REQUEST_NOTE_MAX,
		today: parisDay(),
		personId: params.id,
		name,
		canAsk,
		presence: v.presence ? { until: v.presence.until ? formatDateTime(v.presence.until) : null } : null,
		documents: v.documents.map((d) => ({
			id: d.id,
			title: d.title,
			typeLabel: d.typeLabel,
			categoryLabel: d.categoryLabel,
			addedOn: formatDate(d.createdAt),
			isPdf: d.mime === 'application/pdf',
			validUntil: d.expiresOn ? formatDate(new Date(`${d.expiresOn}T12:00:00Z`)) : null
		})),
		groups: typeGroups(),
		codeMinutes: PRESENCE_CODE_MINUTES,
		presenceMinutes: PRESENCE_MINUTES,
		maxPdfMb: Math.round(MAX_PDF_BYTES / 1024 / 1024),
		added: url.searchParams.get('ajoute') === '1',
		// what the last act did (each action redirects: a reload repeats nothing)
		done: (['referme', 'demandee', 'retiree', 'fourni'] as const).find((k) => url.searchParams.get(k) === '1') ?? null,
		// a code sent and not used yet: the field to type it
		pendingCode: v.presence ? null : ((await pendingPresenceCode(db, { actor }, params.id).catch(() => null))?.sentTo ?? null)
	};
};

export const actions: Actions = {
	demander: async ({ params, locals }) => {
		try {
			const instance = await loadInstance();
			await askPresence(await getDatabase(), { actor: locals.session!.actor, ip: locals.ip }, { beneficiaryId: params.id, instanceName: instance.name });
		} catch (e) {
			return formFailure(e, {}, { page: ['not_found'] });
		}
		// the page shows the code's field while the code waits: a reload sends no other code
		redirect(303, `/espace/personnes/${params.id}/coffre#ouvrir`);
	},
	confirmer: async ({ params, locals, request }) => {
		const f = await request.formData();
		try {
			await confirmPresence(
				await getDatabase(),
				{ actor: locals.session!.actor, ip: locals.ip },
				{ beneficiaryId: params.id, code: String(f.get('code') ?? '').slice(0, 12) }
			);
		} catch (e) {
			return formFailure(e, { asked: 'au contact de la personne' }, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre`);
	},
	demanderPiece: async ({ params, locals, request }) => {
		const f = await request.formData();
		const values = { type: String(f.get('type') ?? '').slice(0, 40), note: String(f.get('note') ?? '').slice(0, 400) };
		try {
			if (!cleanText(values.note))
				throw new DomainError('invalid', 'Le message contient des caractères non valides.', {
					fields: { note: 'Le message contient des caractères non valides.' }
				});
			const instance = await loadInstance();
			await requestDocument(
				await getDatabase(),
				{ actor: locals.session!.actor, ip: locals.ip },
				{ beneficiaryId: params.id, type: values.type, note: values.note, origin: publicOrigin(), instanceName: instance.name }
			);
		} catch (e) {
			return formFailure(e, { requestValues: values, requestForm: true }, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre?demandee=1#demandes`);
	},
	retirerDemande: async ({ params, locals, request }) => {
		const f = await request.formData();
		try {
			await cancelRequest(await getDatabase(), { actor: locals.session!.actor, ip: locals.ip }, String(f.get('demande') ?? '').slice(0, 64));
		} catch (e) {
			return formFailure(e, {}, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre?retiree=1#demandes`);
	},
	fournir: async ({ params, locals, request }) => {
		const f = await request.formData();
		const requestId = String(f.get('demande') ?? '').slice(0, 64);
		try {
			await provideRequest(
				await getDatabase(),
				{ kind: 'professional', actor: locals.session!.actor, ip: locals.ip },
				{ requestId, documentId: String(f.get('document') ?? '').slice(0, 64), personAgrees: f.get('accord') === '1' }
			);
		} catch (e) {
			return formFailure(e, { provideFor: requestId }, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre?fourni=1#demandes`);
	},
	fermer: async ({ params, locals }) => {
		try {
			await closePresence(await getDatabase(), { actor: locals.session!.actor, ip: locals.ip }, params.id);
		} catch (e) {
			// a record they cannot read: the same 404 as the other actions, not a 500
			return formFailure(e, {}, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre?referme=1`);
	},
	deposer: async ({ params, locals, request }) => {
		let values = { type: '', title: '', expiresOn: '', remindMe: '' };
		try {
			await withUploadSlot(async () => {
				let f: FormData;
				try {
					f = await request.formData();
				} catch {
					throw new DomainError('invalid', 'L’envoi a été coupé. Vérifiez la connexion, puis réessayez.');
				}
				values = {
					type: String(f.get('type') ?? '').slice(0, 40),
					title: String(f.get('titre') ?? '').slice(0, 200),
					expiresOn: String(f.get('fin') ?? '').slice(0, 10),
					remindMe: f.get('prevenir') === '1' ? '1' : ''
				};
				if (!Object.values(values).every((v) => cleanText(v, false))) throw new DomainError('invalid', 'Un des champs contient des caractères non valides.');
				const files = f.getAll('fichier').filter((v): v is File => typeof v !== 'string' && v.size > 0);
				await depositDocument(
					await getDatabase(),
					{ kind: 'professional', actor: locals.session!.actor, ip: locals.ip },
					{
						beneficiaryId: params.id,
						type: values.type,
						title: values.title,
						expiresOn: values.expiresOn || null,
						remindMe: values.remindMe === '1',
						parts: await Promise.all(files.map(async (file) => Buffer.from(await file.arrayBuffer())))
					}
				);
			});
		} catch (e) {
			return formFailure(e, { values, deposit: true }, { page: ['not_found'] });
		}
		redirect(303, `/espace/personnes/${params.id}/coffre?ajoute=1`);
	}
};
