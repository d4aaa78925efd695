/**
 * A small care network for the security tests of the person's data (issue 11): a CCAS
 * (prescriber) refers people to a médiathèque that has a team (mediator, manager) or to a
 * place without an account (answers by link); another association and another
 * département's mediator stand by. The person's fields are canaries: each can be looked
 * for in any view, message or document.
 */
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../../src/lib/server/jobs/boss.ts';
import { importPlaces } from '../../src/lib/server/places/index.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { organisationPlaces } from '../../src/lib/server/accounts/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { createOrganisation, actorFor, addMember, type Actor } from '../../src/lib/server/accounts/service.ts';
import { createBeneficiary } from '../../src/lib/server/beneficiaries/service.ts';

export const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };

/** What a person's record holds, each value findable. */
export const CANARY = {
	firstName: 'Cunégonde',
	lastName: 'Zorglub',
	pseudonym: 'Pseudocanari',
	commune: 'Nérac',
	phone: '06 77 88 99 00',
	phoneE164: '+33677889900',
	email: 'canari@exemple.test',
	language: 'uk',
	languageLabel: 'Ukrainien',
	needs: ['vision', 'hearing'],
	needLabel: 'Voit mal',
	note: 'Diabétique, malvoyante, suivie pour dépression',
	reason: 'MotifCanari\u00a0: créer son compte Ameli.'
};

export interface Care {
	db: Database;
	prescriber: Actor;
	mediator: Actor;
	manager: Actor;
	otherMediator: Actor;
	ccas: string;
	mediatheque: string;
	withTeam: string;
	byLink: string;
	newPerson: (over?: Record<string, unknown>) => Promise<string>;
	close: () => Promise<void>;
}

export async function careNetwork(): Promise<Care> {
	const db = await createTestDatabase();
	await getBoss(db);
	const content = await readFile(new URL('../fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const ccas = (await createOrganisation(db, null, { name: 'CCAS de Test', kind: 'ccas', departmentCode: '47' })).id;
	const mediatheque = (await createOrganisation(db, null, { name: 'Médiathèque Lacépède', kind: 'mediatheque', departmentCode: '47' })).id;
	const other = (await createOrganisation(db, null, { name: 'Association Clic Clac', kind: 'association', departmentCode: '47' })).id;
	const member = async (email: string, organisationId: string, role: 'prescriber' | 'mediator' | 'place_manager') =>
		actorFor(
			db.db,
			(await addMember(db, null, { email, displayName: email.split('@')[0], organisationId, role, password: 'une phrase de passe solide' })).userId,
			true
		);
	const prescriber = await member('pat@ccas.test', ccas, 'prescriber');
	const mediator = await member('lou@mediatheque.test', mediatheque, 'mediator');
	const manager = await member('noa@mediatheque.test', mediatheque, 'place_manager');
	const otherMediator = await member('zoe@clicclac.test', other, 'mediator');
	const all = await db.db.select({ id: places.id, nom: places.nom }).from(places);
	const withTeam = all.find((p) => p.nom === 'Médiathèque Lacépède')!.id;
	const byLink = all.find((p) => p.nom === 'France services de Boé')!.id;
	await db.db.insert(organisationPlaces).values({ organisationId: mediatheque, placeId: withTeam });
	await db.db
		.update(places)
		.set({ courriels: ['boe@france-services.test'] })
		.where(eq(places.id, byLink));
	let n = 0;
	const newPerson = async (over: Record<string, unknown> = {}) => {
		n++;
		const r = await createBeneficiary(db, prescriber, {
			organisationId: ccas,
			confirmNew: true,
			form: {
				firstName: CANARY.firstName,
				lastName: CANARY.lastName,
				pseudonym: CANARY.pseudonym,
				birthYear: '1958',
				commune: CANARY.commune,
				phone: CANARY.phone,
				email: CANARY.email,
				preferredContact: 'sms',
				language: CANARY.language,
				accessibilityNeeds: CANARY.needs,
				accessibilityNote: CANARY.note,
				...over
			}
		});
		if (r.status !== 'created') throw new Error(`person ${n} not created`);
		return r.id;
	};
	return {
		db,
		prescriber,
		mediator,
		manager,
		otherMediator,
		ccas,
		mediatheque,
		withTeam,
		byLink,
		newPerson,
		close: async () => {
			await stopBoss(db);
			await db.close();
		}
	};
}

export const messagesTo = (db: Database, to: string) => db.db.select().from(outbox).where(eq(outbox.to, to));

/** The links to the person's page in a text. */
export const personLinksIn = (text: string) => [...text.matchAll(/\/mes-orientations\/([A-Za-z0-9_.-]{10,})/g)].map((m) => m[1]);

const hasPdftotext = !spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error;

/** A PDF's text layer (pdftotext when installed), plus its raw bytes (link annotations, images). */
export function pdfText(pdf: Buffer): { text: string; raw: string; hasImage: boolean } {
	const raw = pdf.toString('latin1');
	let text = '';
	if (hasPdftotext) {
		const dir = mkdtempSync(join(tmpdir(), 'maillage-security-'));
		try {
			const file = join(dir, 'doc.pdf');
			writeFileSync(file, pdf);
			text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	return { text, raw, hasImage: /\/Subtype\s*\/Image/.test(raw) };
}
