/**
 * Ajouter un document: a photo taken with the phone's camera (`capture`, no JavaScript
 * needed), several photos (they become one PDF), or a PDF. The files are checked by content
 * on the server (vault/files); the body may reach MAX_UPLOAD_BYTES (web/uploads.ts).
 */
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	CATEGORIES,
	CATEGORY_KEYS,
	MAX_PDF_BYTES,
	typeGroups,
	MAX_PHOTOS_PER_DOCUMENT,
	depositDocument,
	personRequests,
	provideRequest
} from '#lib/server/vault/index.ts';
import { DomainError } from '#lib/server/errors.ts';
import { cleanText } from '#lib/server/web/input.ts';
import { withUploadSlot } from '#lib/server/web/uploads.ts';
import { formFailure } from '#lib/server/web/errors.ts';
import { parisDay } from '#lib/time.ts';
import { personActor } from '../vault.server.ts';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const who = personActor(event);
	const wanted = event.url.searchParams.get('demande');
	const request = wanted ? (await personRequests(await getDatabase(), who.beneficiaryIds)).find((r) => r.id === wanted && r.status === 'open') : undefined;
	return {
		request: request ? { id: request.id, organisation: request.organisation, type: request.type, typeLabel: request.typeLabel } : null,
		groups: typeGroups(),
		categories: CATEGORY_KEYS.map((c) => ({ value: c, label: CATEGORIES[c] })),
		maxPdfMb: Math.round(MAX_PDF_BYTES / 1024 / 1024),
		maxPhotos: MAX_PHOTOS_PER_DOCUMENT,
		today: parisDay()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const who = personActor(event);
		let values = { type: '', category: '', title: '', expiresOn: '', request: '' };
		try {
			await withUploadSlot(async () => {
				let f: FormData;
				try {
					f = await event.request.formData();
				} catch {
					throw new DomainError('invalid', 'L’envoi a été coupé. Vérifiez votre connexion, puis réessayez.');
				}
				const text = (k: string, max: number) => String(f.get(k) ?? '').slice(0, max);
				values = {
					type: text('type', 40),
					category: text('categorie', 20),
					title: text('titre', 200),
					expiresOn: text('fin', 10),
					request: text('demande', 64)
				};
				if (!Object.values(values).every((v) => cleanText(v, false))) throw new DomainError('invalid', 'Un des champs contient des caractères non valides.');
				const files = [...f.getAll('photos'), ...f.getAll('fichier')].filter((v): v is File => typeof v !== 'string' && v.size > 0);
				const parts = await Promise.all(files.map(async (file) => Buffer.from(await file.arrayBuffer())));
				const { id } = await depositDocument(await getDatabase(), who, {
					type: values.type,
					category: values.type === 'autre' ? values.category || null : null,
					title: values.title,
					expiresOn: values.expiresOn || null,
					parts
				});
				// asked by a structure: shared with it at once
				// (a request withdrawn meanwhile: the document stays in the vault, shared with no one)
				if (values.request) await provideRequest(await getDatabase(), who, { requestId: values.request, documentId: id }).catch(() => undefined);
			});
		} catch (e) {
			return formFailure(e, { values });
		}
		redirect(303, '/mon-espace/documents?ajoute=1');
	}
};
