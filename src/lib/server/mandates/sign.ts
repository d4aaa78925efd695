/**
 * Giving a mandate on site: a helper of the structure prepares it (the person, the themes,
 * the duration, the legal representative if any); the person confirms it either on the
 * helper's screen (method 'signature': the person ticks and confirms, the professional
 * attests) or with a one-time code sent to their own phone or e-mail and typed on the
 * helper's screen (method 'code': 6 digits, hashed, 15 minutes, 5 tries, 3 sendings, and
 * the person's sendings throttled). Never by an SMS reply alone. A legal representative
 * confirms on the screen, the professional having seen the measure's decision.
 *
 * Once confirmed, the mandate is signed: what was signed is kept (canonical JSON and its
 * SHA-256), and one grant per theme (kind 'mandate') opens the acts for its window.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, reserveAttempt, retryMessage, THROTTLE_RULES, type Actor } from '../accounts/index.ts';
import { fullName, loadBeneficiary, touchBeneficiary, uncheckedRecord } from '../beneficiaries/index.ts';
import { insertGrant } from '../grants/index.ts';
import { plainMail, queueMail, tagOutbox } from '../mail/index.ts';
import { isMobile, queueSms, toGsm7 } from '../sms/index.ts';
import { mandates, type Mandate } from './db.ts';
import {
	CODE_MINUTES,
	CODE_SENDS,
	CODE_TRIES,
	LEGAL_MENTION,
	MANDATE_DURATIONS,
	MANDATE_THEMES,
	isTheme,
	mandateCodeText,
	mandateDigest,
	mandateEnd,
	prepareInput,
	scopesOfTheme,
	vaultCategoriesOf,
	VAULT_CATEGORY_LABELS,
	themeLabels,
	type MandateContent,
	type MandateDuration,
	type MandateMethod,
	type RepresentativeKind
} from './model.ts';
import { MandateError, codeHash, mandateFor, sameHash, tokenHash, userActor, verificationToken } from './common.ts';

/** A helper prepares a mandate for a person whose record they may read; it opens nothing until confirmed. */
export async function prepareMandate(database: Database, actor: Actor, beneficiaryId: string, input: unknown, ip?: string | null): Promise<string> {
	const parsed = prepareInput.safeParse(input);
	if (!parsed.success) throw new MandateError('invalid', 'Le mandat n’est pas complet.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	if (!can(actor, 'mandate.create', { organisationId: v.organisationId }))
		throw new MandateError('forbidden', 'Seuls les aidants de cette structure peuvent préparer un mandat pour elle.', {
			organisationId: 'Choisissez une structure dont vous êtes membre.'
		});
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	if (b.anonymisedAt) throw new MandateError('conflict', 'Le dossier de cette personne a été anonymisé.');
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(mandates)
			.values({
				beneficiaryId: b.id,
				organisationId: v.organisationId,
				departmentCode: b.departmentCode,
				themes: v.themes,
				duration: v.duration,
				representativeKind: v.representativeKind || null,
				representativeName: v.representativeKind ? v.representativeName : null,
				vaultAccess: v.vaultAccess,
				preparedBy: actor.userId
			})
			.returning({ id: mandates.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'mandate.prepared',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip,
			details: {
				mandateId: row.id,
				organisationId: v.organisationId,
				themes: v.themes,
				duration: v.duration,
				representative: v.representativeKind || null,
				vaultAccess: v.vaultAccess
			}
		});
		return row.id;
	});
}

/** A prepared mandate that will not be confirmed (the person changed their mind). */
export async function cancelMandate(database: Database, actor: Actor, id: string, ip?: string | null): Promise<void> {
	await database.db.transaction(async (tx) => {
		const m = await mandateFor(tx, actor, id, true);
		if (m.status !== 'prepared') throw new MandateError('conflict', 'Ce mandat est déjà confirmé\u00a0: pour l’arrêter, retirez-le.');
		await tx.update(mandates).set({ status: 'cancelled', codeHash: null }).where(eq(mandates.id, m.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'mandate.cancelled',
			targetType: 'beneficiary',
			targetId: m.beneficiaryId,
			departmentCode: m.departmentCode,
			ip,
			details: { mandateId: m.id, organisationId: m.organisationId }
		});
	});
}

/** Where a code can be sent for this person: their mobile, their e-mail (never a representative's: they confirm on the screen). */
export function codeChannels(m: Pick<Mandate, 'representativeKind'>, b: { phone: string | null; email: string | null }): ('sms' | 'email')[] {
	if (m.representativeKind) return [];
	return [...(b.phone && isMobile(b.phone) ? (['sms'] as const) : []), ...(b.email ? (['email'] as const) : [])];
}

/** Sends the person a one-time code on their own phone or e-mail, to type on the helper's screen. */
export async function sendMandateCode(
	database: Database,
	actor: Actor,
	id: string,
	channel: string,
	ip?: string | null,
	now = new Date()
): Promise<'sms' | 'email'> {
	const m = await mandateFor(database.db, actor, id);
	if (m.status !== 'prepared') throw new MandateError('conflict', 'Ce mandat n’attend plus de confirmation.');
	const b = await uncheckedRecord(database.db, m.beneficiaryId);
	if (!b || b.anonymisedAt) throw new MandateError('conflict', 'Le dossier de cette personne a été anonymisé.');
	const channels = codeChannels(m, b);
	if (channel !== 'sms' && channel !== 'email') throw new MandateError('invalid', 'Choisissez où envoyer le code.');
	if (!channels.includes(channel))
		throw new MandateError(
			'invalid',
			m.representativeKind
				? 'Un mandat donné par un représentant légal se confirme sur votre écran.'
				: channel === 'sms'
					? 'Aucun numéro de portable n’est noté dans le dossier de la personne.'
					: 'Aucune adresse e-mail n’est notée dans le dossier de la personne.'
		);
	// at most CODE_SENDS codes per mandate, and the person's phone or inbox is not flooded by several mandates
	if (m.codeSends >= CODE_SENDS)
		throw new MandateError(
			'throttled',
			`Le code a déjà été envoyé ${CODE_SENDS} fois. Faites confirmer la personne sur votre écran, ou préparez un nouveau mandat plus tard.`
		);
	const r = await reserveAttempt(database.db, `mandate-code:${m.beneficiaryId}`, THROTTLE_RULES.form, now);
	if (!r.allowed) throw new MandateError('throttled', retryMessage(r.lockedUntil ?? new Date(now.getTime() + THROTTLE_RULES.form.lockMinutes * 60_000), now));
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
	const structure = (await organisationNames(database.db, [m.organisationId])).get(m.organisationId) ?? 'la structure';
	await database.db.transaction(async (tx) => {
		const sent = await tx
			.update(mandates)
			.set({
				codeHash: codeHash(m.id, code),
				codeChannel: channel,
				codeExpiresAt: new Date(now.getTime() + CODE_MINUTES * 60_000),
				codeAttempts: 0,
				codeSends: m.codeSends + 1
			})
			.where(and(eq(mandates.id, m.id), eq(mandates.status, 'prepared'), eq(mandates.codeSends, m.codeSends)))
			.returning({ id: mandates.id });
		if (!sent.length) throw new MandateError('conflict', 'Un autre code vient d’être envoyé. Attendez-le.');
		const text = mandateCodeText(code, structure);
		if (channel === 'sms') {
			const outboxId = await queueSms(database, tx, { to: b.phone!, text: toGsm7(text), template: 'mandate-code' });
			await tagOutbox(tx, outboxId, b.id);
		} else
			await queueMail(
				database,
				tx,
				plainMail(
					b.email!,
					`Votre code\u00a0: ${code}`,
					['Bonjour,', text, 'Si vous n’êtes pas en train de donner un mandat, ne donnez ce code à personne.'],
					null,
					'mandate-code'
				),
				b.id
			);
		await journal(tx, {
			actor: userActor(actor),
			action: 'mandate.code_sent',
			targetType: 'beneficiary',
			targetId: m.beneficiaryId,
			departmentCode: m.departmentCode,
			ip,
			details: { mandateId: m.id, organisationId: m.organisationId, channel }
		});
	});
	return channel;
}

/** The person (or their representative) confirms on the helper's screen; the professional attests it. */
export async function confirmOnScreen(
	database: Database,
	actor: Actor,
	id: string,
	ticks: { personAgrees: boolean; professionalAttests: boolean; decisionSeen?: boolean },
	ip?: string | null,
	now = new Date()
): Promise<void> {
	await database.db.transaction(async (tx) => {
		const m = await mandateFor(tx, actor, id, true);
		if (m.status !== 'prepared') throw new MandateError('conflict', 'Ce mandat n’attend plus de confirmation.');
		const fields: Record<string, string> = {};
		if (!ticks.personAgrees) fields.personAgrees = 'La personne doit cocher cette case pour donner son accord.';
		if (!ticks.professionalAttests) fields.professionalAttests = 'Cochez cette case pour attester que la personne a confirmé elle-même.';
		if (m.representativeKind && !ticks.decisionSeen) fields.decisionSeen = 'Cochez cette case une fois la décision qui nomme le représentant vue.';
		if (Object.keys(fields).length) throw new MandateError('invalid', 'Le mandat n’est pas encore confirmé.', fields);
		await sign(tx, actor, m, 'signature', ip, now);
	});
}

/** The code the person received, typed on the helper's screen: right, the mandate is signed; wrong, one try fewer. */
export async function confirmByCode(database: Database, actor: Actor, id: string, rawCode: string, ip?: string | null, now = new Date()): Promise<void> {
	const digits = String(rawCode ?? '').replace(/\D/g, '');
	const wrong = await database.db.transaction(async (tx) => {
		const m = await mandateFor(tx, actor, id, true);
		if (m.status !== 'prepared') throw new MandateError('conflict', 'Ce mandat n’attend plus de confirmation.');
		if (!m.codeHash || !m.codeExpiresAt) throw new MandateError('conflict', 'Aucun code n’a été envoyé. Envoyez d’abord un code à la personne.');
		if (m.codeExpiresAt <= now || m.codeAttempts >= CODE_TRIES) return 'Ce code ne marche plus (15 minutes passées, ou 5 essais). Envoyez un nouveau code.';
		if (digits.length !== 6 || !sameHash(m.codeHash, codeHash(m.id, digits))) {
			await tx
				.update(mandates)
				.set({ codeAttempts: m.codeAttempts + 1 })
				.where(eq(mandates.id, m.id));
			const left = CODE_TRIES - m.codeAttempts - 1;
			return left > 0
				? `Ce n’est pas le bon code. Encore ${left} essai${left > 1 ? 's' : ''}.`
				: 'Ce n’est pas le bon code, et c’était le dernier essai. Envoyez un nouveau code.';
		}
		await sign(tx, actor, m, 'code', ip, now);
		return null;
	});
	if (wrong) throw new MandateError('invalid', wrong, { code: wrong });
}

/** The mandate signed: its content and digest, its token's hash, one grant per theme, journaled. */
async function sign(tx: Tx, actor: Actor, m: Mandate, method: MandateMethod, ip: string | null | undefined, now: Date): Promise<void> {
	const b = await uncheckedRecord(tx, m.beneficiaryId);
	if (!b || b.anonymisedAt) throw new MandateError('conflict', 'Le dossier de cette personne a été anonymisé.');
	const structure = (await organisationNames(tx, [m.organisationId])).get(m.organisationId) ?? '';
	const validUntil = mandateEnd(m.duration as MandateDuration, now);
	const content: MandateContent = {
		v: 1,
		mandate: m.id,
		person: fullName(b),
		structure: { id: m.organisationId, name: structure },
		themes: themeLabels(m.themes),
		duration: MANDATE_DURATIONS[m.duration as MandateDuration],
		validFrom: now.toISOString(),
		validUntil: validUntil.toISOString(),
		method,
		representative: m.representativeKind ? { kind: m.representativeKind as RepresentativeKind, name: m.representativeName ?? '' } : null,
		...(m.vaultAccess ? { vault: vaultCategoriesOf(m.themes).map((c) => VAULT_CATEGORY_LABELS[c] ?? c) } : {}),
		law: LEGAL_MENTION
	};
	const digest = mandateDigest(content);
	const tokenSalt = randomBytes(16).toString('base64url');
	await tx
		.update(mandates)
		.set({
			status: 'signed',
			method,
			validFrom: now,
			validUntil,
			content,
			digest,
			tokenSalt,
			tokenHash: tokenHash(verificationToken({ id: m.id, tokenSalt })!),
			confirmedBy: actor.userId,
			signedAt: now,
			codeHash: null
		})
		.where(eq(mandates.id, m.id));
	for (const theme of m.themes.filter(isTheme))
		await insertGrant(tx, {
			kind: 'mandate',
			mandateId: m.id,
			beneficiaryId: m.beneficiaryId,
			granteeOrganisationId: m.organisationId,
			scopes: scopesOfTheme(theme, m.vaultAccess),
			purpose: `Mandat pour les démarches\u00a0: ${MANDATE_THEMES[theme]}`,
			method,
			status: 'in_force',
			validFrom: now,
			validUntil,
			evidence: {
				confirmedBy: actor.userId,
				organisationId: m.organisationId,
				digest,
				...(m.representativeKind ? { representative: m.representativeKind } : {})
			},
			recordedBy: actor.userId,
			recordedByOrganisationId: m.organisationId
		});
	await touchBeneficiary(tx, m.beneficiaryId, now);
	await journal(tx, {
		actor: userActor(actor),
		action: 'mandate.signed',
		targetType: 'beneficiary',
		targetId: m.beneficiaryId,
		departmentCode: m.departmentCode,
		ip,
		details: {
			mandateId: m.id,
			organisationId: m.organisationId,
			method,
			themes: m.themes,
			duration: m.duration,
			representative: m.representativeKind,
			digest
		}
	});
}
