/**
 * The person present at a counter (issue 15, items 2 and 7): a professional who may read the
 * person's record asks to open their vault; a one-time code goes to the person's phone (or
 * e-mail); the person reads it out or types it on the professional's screen. The vault then
 * opens to that professional, by name, for PRESENCE_MINUTES (a grant of kind
 * 'vault_presence'): they can show, read and add documents (a scan at the counter), every
 * act journaled and shown to the person. Either of them closes it at once.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { loadBeneficiary } from '../beneficiaries/index.ts';
import { insertGrant, revokeGrant } from '../grants/index.ts';
import { isMobile, queueSms, toGsm7 } from '../sms/index.ts';
import { plainMail, queueMail } from '../mail/index.ts';
import { DomainError } from '../errors.ts';
import { vaultPresenceCodes } from './db.ts';
import { presenceGrant, vaultGrantsOf } from './access.ts';
import { PRESENCE_MINUTES, WHOLE_VAULT } from './model.ts';

export const PRESENCE_CODE_MINUTES = 10;
export const PRESENCE_CODE_TRIES = 5;
/** Codes sent to one person within an hour, by all professionals together. */
export const PRESENCE_CODES_PER_HOUR = 5;

const hash = (id: string, code: string) => createHash('sha256').update(`vault-presence:${id}:${code}`).digest('hex');

type Pro = { actor: Actor; ip?: string | null };

/** The structure the professional acts for here: one where they hold a role that receives grants. */
function actingFor(actor: Actor, organisationId: string | null | undefined): string {
	const id = organisationId ?? actor.memberships.find((m) => can(actor, 'vault.open_with_person', { organisationId: m.organisationId }))?.organisationId;
	if (!id || !can(actor, 'vault.open_with_person', { organisationId: id }))
		throw new DomainError('forbidden', 'Votre rôle ne permet pas d’ouvrir le coffre d’une personne.');
	return id;
}

/** Sends the code to the person. Answers where it went (« au 06 •• •• •• 78 »), never the full contact. */
export async function askPresence(
	database: Database,
	pro: Pro,
	p: { beneficiaryId: string; organisationId?: string | null; instanceName: string },
	now = new Date()
): Promise<{ sentTo: string; channel: 'sms' | 'email' }> {
	const organisationId = actingFor(pro.actor, p.organisationId);
	const b = await loadBeneficiary(database.db, pro.actor, p.beneficiaryId, 'read');
	// a landline cannot receive the code (queueSms refuses it): the e-mail, or nothing
	const channel = b.phone && isMobile(b.phone) ? 'sms' : b.email ? 'email' : null;
	if (!channel)
		throw new DomainError(
			'invalid',
			'Cette personne n’a ni portable ni e-mail enregistré\u00a0: le code ne peut pas lui être envoyé. Ajoutez son portable à sa fiche, ou aidez-la dans le cadre d’un mandat.'
		);
	// a person is not flooded with codes: a few an hour, whoever asks
	const [sent] = await database.privileged.db
		.select({ n: sql<number>`count(*)::int` })
		.from(vaultPresenceCodes)
		.where(and(eq(vaultPresenceCodes.beneficiaryId, b.id), gt(vaultPresenceCodes.createdAt, new Date(now.getTime() - 3600_000))));
	if (Number(sent?.n ?? 0) >= PRESENCE_CODES_PER_HOUR)
		throw new DomainError(
			'throttled',
			'Plusieurs codes ont déjà été envoyés à cette personne dans l’heure\u00a0: utilisez le dernier reçu, ou réessayez plus tard.'
		);
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
	const text = `${p.instanceName}\u00a0: votre code pour ouvrir votre coffre avec le professionnel qui vous reçoit est ${code}. Il marche ${PRESENCE_CODE_MINUTES} minutes. Ne le donnez que si vous êtes avec lui.`; // typography: gsm
	await database.privileged.db.transaction(async (tx) => {
		await tx
			.update(vaultPresenceCodes)
			.set({ usedAt: now })
			.where(and(eq(vaultPresenceCodes.beneficiaryId, b.id), eq(vaultPresenceCodes.userId, pro.actor.userId), isNull(vaultPresenceCodes.usedAt)));
		const [row] = await tx
			.insert(vaultPresenceCodes)
			.values({
				beneficiaryId: b.id,
				userId: pro.actor.userId,
				organisationId,
				codeHash: 'pending',
				channel,
				expiresAt: new Date(now.getTime() + PRESENCE_CODE_MINUTES * 60_000),
				createdAt: now
			})
			.returning({ id: vaultPresenceCodes.id });
		await tx
			.update(vaultPresenceCodes)
			.set({ codeHash: hash(row.id, code) })
			.where(eq(vaultPresenceCodes.id, row.id));
		if (channel === 'sms') await queueSms(database, tx, { to: b.phone!, text: toGsm7(text), template: 'vault-presence-code' });
		else
			await queueMail(
				database,
				tx,
				plainMail(
					b.email!,
					'Votre code pour ouvrir votre coffre',
					['Bonjour,', text, 'Si vous n’êtes pas en rendez-vous, ne donnez ce code à personne.'],
					null,
					'vault-presence-code'
				)
			);
		await journal(tx, {
			actor: { kind: 'user', id: pro.actor.userId },
			action: 'vault.presence_asked',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip: pro.ip ?? null,
			details: { organisationId, channel }
		});
	});
	return { channel, sentTo: channel === 'sms' ? `au ${maskPhone(b.phone!)}` : `à ${maskEmail(b.email!)}` };
}

/**
 * The code this professional sent the person and is waiting for (unused, not expired): the
 * counter's page shows the field to type it after a reload, without sending another.
 */
export async function pendingPresenceCode(database: Database, pro: Pro, beneficiaryId: string, now = new Date()): Promise<{ sentTo: string } | null> {
	const [row] = await database.privileged.db
		.select({ channel: vaultPresenceCodes.channel })
		.from(vaultPresenceCodes)
		.where(
			and(
				eq(vaultPresenceCodes.beneficiaryId, beneficiaryId),
				eq(vaultPresenceCodes.userId, pro.actor.userId),
				isNull(vaultPresenceCodes.usedAt),
				gt(vaultPresenceCodes.expiresAt, now)
			)
		)
		.orderBy(desc(vaultPresenceCodes.createdAt))
		.limit(1);
	if (!row) return null;
	const b = await loadBeneficiary(database.db, pro.actor, beneficiaryId, 'read');
	if (row.channel === 'sms' && b.phone) return { sentTo: `au ${maskPhone(b.phone)}` };
	if (row.channel === 'email' && b.email) return { sentTo: `à ${maskEmail(b.email)}` };
	return { sentTo: 'au contact de la personne' };
}

const maskPhone = (p: string) => {
	const d = p.replace(/\D/g, '').replace(/^33/, '0');
	return `${d.slice(0, 2)} •• •• •• ${d.slice(-2)}`;
};
const maskEmail = (e: string) => {
	const [u, d] = e.split('@');
	return `${u.slice(0, 1)}•••@${d}`;
};

/** The code the person gave: the vault opens to this professional for PRESENCE_MINUTES. */
export async function confirmPresence(database: Database, pro: Pro, p: { beneficiaryId: string; code: string }, now = new Date()): Promise<{ until: Date }> {
	const code = String(p.code ?? '').replace(/\s/g, '');
	const b = await loadBeneficiary(database.db, pro.actor, p.beneficiaryId, 'read');
	const owner = database.privileged.db;
	const [row] = await owner
		.select()
		.from(vaultPresenceCodes)
		.where(and(eq(vaultPresenceCodes.beneficiaryId, b.id), eq(vaultPresenceCodes.userId, pro.actor.userId), isNull(vaultPresenceCodes.usedAt)))
		.orderBy(desc(vaultPresenceCodes.createdAt))
		.limit(1);
	const again = 'Demandez un nouveau code.';
	if (!row || row.expiresAt <= now)
		throw new DomainError('invalid', `Ce code n’est plus valable. ${again}`, { fields: { code: `Ce code n’est plus valable. ${again}` } });
	// a try is spent before the guess is checked, in one statement: guesses sent together
	// cannot all read the same count (they did, and each was checked)
	const [spent] = await owner
		.update(vaultPresenceCodes)
		.set({ attempts: sql`${vaultPresenceCodes.attempts} + 1` })
		.where(and(eq(vaultPresenceCodes.id, row.id), isNull(vaultPresenceCodes.usedAt), lt(vaultPresenceCodes.attempts, PRESENCE_CODE_TRIES)))
		.returning({ attempts: vaultPresenceCodes.attempts });
	if (!spent) throw new DomainError('throttled', `Trop d’essais. ${again}`);
	if (!/^\d{6}$/.test(code) || hash(row.id, code) !== row.codeHash) {
		const left = PRESENCE_CODE_TRIES - spent.attempts;
		const msg = left > 0 ? `Ce code n’est pas le bon. Il reste ${left} essai${left > 1 ? 's' : ''}.` : `Ce code n’est pas le bon. ${again}`;
		throw new DomainError('invalid', msg, { fields: { code: msg } });
	}
	const until = new Date(now.getTime() + PRESENCE_MINUTES * 60_000);
	// used once: the same right code sent twice at once opens the vault once
	const [used] = await owner
		.update(vaultPresenceCodes)
		.set({ usedAt: now })
		.where(and(eq(vaultPresenceCodes.id, row.id), isNull(vaultPresenceCodes.usedAt)))
		.returning({ id: vaultPresenceCodes.id });
	if (!used) throw new DomainError('invalid', `Ce code n’est plus valable. ${again}`, { fields: { code: `Ce code n’est plus valable. ${again}` } });
	await database.db.transaction(async (tx) => {
		const id = await insertGrant(tx, {
			kind: 'vault_presence',
			beneficiaryId: b.id,
			granteeOrganisationId: null,
			granteeUserId: pro.actor.userId,
			scopes: [WHOLE_VAULT],
			purpose: 'Voir et ajouter des documents avec vous, pendant le rendez-vous',
			method: 'code',
			status: 'in_force',
			validFrom: now,
			validUntil: until,
			evidence: { codeId: row.id, channel: row.channel },
			recordedBy: pro.actor.userId,
			recordedByOrganisationId: row.organisationId
		});
		await journal(tx, {
			actor: { kind: 'user', id: pro.actor.userId },
			action: 'vault.opened_with_person',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip: pro.ip ?? null,
			details: { grantId: id, organisationId: row.organisationId, minutes: PRESENCE_MINUTES }
		});
	});
	return { until };
}

/** The professional closes the vault before the time is up. */
export async function closePresence(database: Database, pro: Pro, beneficiaryId: string, now = new Date()): Promise<void> {
	const b = await loadBeneficiary(database.db, pro.actor, beneficiaryId, 'read');
	const g = presenceGrant(await vaultGrantsOf(database.db, b.id), pro.actor, now);
	if (!g) return;
	await database.db.transaction(async (tx) => {
		await revokeGrant(tx, g.id, { by: 'professional', userId: pro.actor.userId }, now);
		await journal(tx, {
			actor: { kind: 'user', id: pro.actor.userId },
			action: 'vault.presence_closed',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip: pro.ip ?? null,
			details: { grantId: g.id }
		});
	});
}
