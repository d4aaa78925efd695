/** « Mes Pass » (Mon espace): the Pass Numérique vouchers handed to the person, what each is worth, until when, and where to use it. */
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { personPasses } from '#lib/server/pass/index.ts';
import { euros, formatDate } from '#lib/components/format.ts';

export const csr = false;

const STATE_WORDS = {
	usable: 'Vous pouvez l’utiliser',
	not_yet_valid: 'Pas encore utilisable',
	used: 'Déjà utilisé',
	expired: 'Expiré\u00a0: il ne marche plus',
	cancelled: 'Annulé\u00a0: il ne marche plus'
} as const;

export const load: PageServerLoad = async ({ locals }) => {
	const passes = await personPasses((await getDatabase()).db, locals.person!.beneficiaryIds);
	return {
		passes: passes.map((p) => ({
			id: p.id,
			code: p.code,
			value: euros(p.faceValueCents),
			state: p.state,
			stateWords: STATE_WORDS[p.state],
			from: formatDate(p.validFrom),
			until: formatDate(p.lastDay),
			used: p.usedAt ? formatDate(p.usedAt) : null,
			usedPlace: p.usedPlace
		}))
	};
};
