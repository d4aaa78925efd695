import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { CareError, listBeneficiaries, loadBeneficiary, fullName } from '#lib/server/beneficiaries/index.ts';
import { referralsOfBeneficiary } from '#lib/server/referral/index.ts';
import { distributableBooklets, distribute, formatCode, handedOutNotUsed, parseCode, spokenCode, vouchersOfPerson } from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import type { Database } from '#lib/server/db/client.ts';
import type { Actor } from '#lib/server/accounts/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

/** The person, when the actor can hand them vouchers (their structure holds the record). */
async function personFor(database: Database, actor: Actor, id: string | null) {
	if (!id) return null;
	try {
		const b = await loadBeneficiary(database.db, actor, id, 'write');
		return b.anonymisedAt ? null : { id: b.id, name: fullName(b) };
	} catch (e) {
		if (e instanceof CareError) return null;
		throw e;
	}
}

/** People offered without a search: the most recently updated records. */
const RECENT = 5;

/** Codes typed one per line (commas and semicolons also separate); blank lines ignored, repeats once. */
function typedCodes(text: string): string[] {
	return [
		...new Set(
			text
				.split(/[\r\n,;]+/)
				.map((l) => l.trim())
				.filter(Boolean)
		)
	];
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const wanted = url.searchParams.get('personne');
	const person = await personFor(db, actor, wanted);
	// the person is searched by name (issue 12: a list of everyone was offered); without a search, the few most recent
	const search = (url.searchParams.get('nom') ?? '').trim().slice(0, 80);
	const [people, booklets, handed, referrals] = await Promise.all([
		person ? Promise.resolve([]) : listBeneficiaries(db, actor, search ? { q: search, limit: 30 } : { limit: RECENT }),
		distributableBooklets(db, actor),
		handedOutNotUsed(db, actor),
		person ? referralsOfBeneficiary(db, actor, person.id) : Promise.resolve([])
	]);
	return {
		person,
		personNotFound: !!wanted && !person,
		search,
		people: people.filter((p) => p.held && !p.anonymised).map((p) => ({ id: p.id, name: p.name, commune: p.communeName })),
		referrals: referrals.map((r) => ({ id: r.id, label: `${r.placeName} (${r.placeCommune})\u00a0: ${r.statusLabel.toLowerCase()}`, sentAt: r.sentAt })),
		booklets: booklets
			.filter((b) => b.available > 0)
			.map((b) => ({
				id: b.bookletId,
				number: b.number,
				campaign: b.campaign,
				organisation: b.organisation,
				available: b.available,
				value: euros(b.faceValueCents),
				validUntil: dayLabel(b.validUntil)
			})),
		handed: handed.map((v) => ({
			code: formatCode(v.code),
			spoken: spokenCode(v.code),
			campaign: v.campaign,
			value: euros(v.faceValueCents),
			validUntil: dayLabel(v.validUntil),
			distributedAt: v.distributedAt,
			personId: v.beneficiaryId,
			person: v.person
		}))
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const values = {
			personId: String(f.get('personne') ?? ''),
			referralId: String(f.get('orientation') ?? ''),
			choice: String(f.get('remise') ?? 'codes'),
			codes: String(f.get('codes') ?? '')
		};
		const lines = typedCodes(values.codes);
		const fields: Record<string, string> = {};
		if (values.choice === 'codes') {
			if (!lines.length) fields.codes = 'Saisissez au moins un code, un par ligne, ou choisissez un carnet entier.';
			const bad = lines.flatMap((l) => {
				const p = parseCode(l);
				return p.ok ? [] : [`${l}\u00a0: ${p.message}`];
			});
			if (bad.length) fields.codes = bad.length === 1 ? bad[0] : `${bad.length} codes sont à corriger. ${bad.join(' ')}`;
		} else if (lines.length) {
			fields.codes = 'Vous avez choisi un carnet entier\u00a0: videz la liste des codes, ou choisissez « Des pass à l’unité ».';
		}
		if (Object.keys(fields).length) return fail(400, { message: 'Vérifiez ce que vous remettez.', fields, values });
		let result;
		try {
			result = await distribute(
				db,
				actor,
				{
					beneficiaryId: values.personId,
					referralId: values.referralId || null,
					...(values.choice === 'codes' ? { codes: lines } : { bookletId: values.choice })
				},
				locals.ip
			);
		} catch (e) {
			// a referral closed meanwhile: the form goes on without it
			return formFailure(e, (d) => ({ values: d.fields.referralId ? { ...values, referralId: '' } : values }));
		}
		const person = await personFor(db, actor, values.personId);
		const given = new Set(result.codes);
		const vouchers = (await vouchersOfPerson(db.db, values.personId)).filter((v) => given.has(v.code));
		return {
			done: {
				count: result.count,
				personId: values.personId,
				person: person?.name ?? 'la personne',
				vouchers: vouchers.map((v) => ({ code: formatCode(v.code), spoken: spokenCode(v.code), value: euros(v.faceValueCents), campaign: v.campaign })),
				validUntil: [...new Set(vouchers.map((v) => v.validUntil))].sort().map(dayLabel)
			}
		};
	}
};
