/**
 * A small care network for the security tests of the person's data (issue 11): a CCAS
 * (prescriber) refers people to a médiathèque that has a team (mediator, manager) or to a
 * place without an account (answers by link); another association and another
 * département's mediator stand by. The person's fields are canaries: each can be looked
 * for in any view, message or document.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/client.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { openWorld } from '../world.ts';

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
	const w = await openWorld({ places: 'agen' });
	const ccas = await w.organisation('CCAS de Test', 'ccas');
	const mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	const other = await w.organisation('Association Clic Clac');
	const prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	const mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
	const manager = await w.member('noa@mediatheque.test', mediatheque, 'place_manager');
	const otherMediator = await w.member('zoe@clicclac.test', other, 'mediator');
	const withTeam = await w.runs(mediatheque, 'Médiathèque Lacépède');
	const byLink = await w.place('France services de Boé');
	await w.db.db
		.update(places)
		.set({ courriels: ['boe@france-services.test'] })
		.where(eq(places.id, byLink));
	const newPerson = (over: Record<string, unknown> = {}) =>
		w.person(prescriber, ccas, {
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
		});
	return { db: w.db, prescriber, mediator, manager, otherMediator, ccas, mediatheque, withTeam, byLink, newPerson, close: w.close };
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
