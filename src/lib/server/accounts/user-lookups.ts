/**
 * Professionals' accounts read or set by other code (the command line, the demo accounts)
 * without reaching into this capability's tables (names by id: organisation-names.ts). Each
 * takes the database handle or the caller's transaction (`db`).
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { memberships, recoveryCodes, users } from './db.ts';
import { deleteUserSessions } from './sessions.ts';
import type { Role } from './model.ts';

/** The account of this e-mail address (compared lower-cased), or null. */
export async function userIdByEmail(db: DbOrTx, email: string): Promise<string | null> {
	const [u] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase()));
	return u?.id ?? null;
}

/**
 * Gives a demo account known credentials (`maillage demo accounts`), in the caller's
 * transaction: its role in the organisation, the password's hash, a confirmed second
 * factor (its sealed secret), active, no recovery codes, no session; journaled as the
 * command line.
 */
export async function setDemoCredentials(
	tx: Tx,
	input: { userId: string; organisationId: string; role: Role; passwordHash: string; sealedTotpSecret: string; isAdmin: boolean; departmentCode: string }
): Promise<void> {
	const { userId } = input;
	await tx.insert(memberships).values({ userId, organisationId: input.organisationId, role: input.role }).onConflictDoNothing();
	await tx
		.update(users)
		.set({
			passwordHash: input.passwordHash,
			totpSecret: input.sealedTotpSecret,
			totpPendingSecret: null,
			totpConfirmedAt: new Date(),
			totpLastStep: null,
			active: true,
			isAdmin: input.isAdmin,
			updatedAt: new Date()
		})
		.where(eq(users.id, userId));
	await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
	await deleteUserSessions(tx, userId);
	await journal(tx, {
		actor: { kind: 'cli' },
		action: 'user.demo_credentials_set',
		targetType: 'user',
		targetId: userId,
		departmentCode: input.departmentCode
	});
}
