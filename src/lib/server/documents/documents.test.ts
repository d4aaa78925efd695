// typography: ignore-file (pdftotext gives the printed non-breaking spaces back as spaces)
/**
 * The printable documents, read back as a person's tools would: the text layer with
 * pdftotext (accents, every section, the footer on every page, nothing that must stay
 * internal), the metadata with pdfinfo, the QR code decoded with zbarimg from a 150 dpi
 * rendering. The checks that need poppler-utils or zbar-tools are skipped, saying so,
 * when the tools are missing.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frenchDate, frenchDateTime, winAnsi } from './pdf-text.ts';
import { formatDuration as frenchDuration, formatPhone as frenchPhone } from '../../components/format.ts';
import { QR_WIDTH_MM, groupHours, referralSheetPdf, type ReferralSheetData } from './referral-sheet.ts';
import { recordExportPdf, type RecordExport } from './record-export.ts';

// ---------------------------------------------------------------------------------------
// tools

const installed = (bin: string, arg = '-v') => !spawnSync(bin, [arg], { stdio: 'ignore' }).error;
const tools = {
	poppler: installed('pdftotext') && installed('pdfinfo') && installed('pdftoppm') && installed('pdfimages'),
	zbar: installed('zbarimg', '--version')
};
const POPPLER_MISSING = 'pdftotext, pdfinfo, pdftoppm or pdfimages is missing: install poppler-utils (apt-get install poppler-utils)';
const ZBAR_MISSING = 'zbarimg is missing: install zbar-tools (apt-get install zbar-tools)';

function run(bin: string, args: string[]): string {
	const r = spawnSync(bin, args, { encoding: 'utf8' });
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'maillage-documents-'));
});
afterAll(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
});

function save(name: string, pdf: Buffer): string {
	const file = join(dir, name);
	writeFileSync(file, pdf);
	return file;
}

/** The text layer, laid out, with runs of white space (and no-break spaces) as one space. */
const text = (file: string) => run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
const flat = (s: string) => s.replace(/\s+/g, ' ');

function info(file: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of run('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
		const m = /^([^:]+):\s*(.*)$/.exec(line);
		if (m) out[m[1].trim()] = m[2].trim();
	}
	return out;
}

function needPoppler(ctx: TestContext) {
	if (!tools.poppler) ctx.skip(POPPLER_MISSING);
}

// ---------------------------------------------------------------------------------------
// data

const DECLINE_REASON = 'Personne injoignable après trois appels, à relancer';
const INTERNAL_NOTE = 'Note interne : dossier suivi par l’assistante sociale';

const sheet: ReferralSheetData = {
	instanceName: 'Maillage numérique des Pyrénées-Atlantiques',
	reference: 'OR-7K2M9',
	personName: 'Hélène D.',
	place: {
		name: 'Médiathèque André-Labarrère – espace numérique',
		address: '10 place Marguerite-Laborde',
		postalCode: '64000',
		commune: 'Pau',
		phone: '+33559272195',
		emails: ['numerique@mediatheque-pau.fr', 'accueil@agglo-pau.fr'],
		hours: ['Lundi : fermé', 'Mardi : 9 h – 12 h, 14 h – 18 h', 'Mercredi : 10 h – 18 h', 'Samedi : 10 h – 17 h'],
		access: 'Bus ligne T1, arrêt « Médiathèque ». Ascenseur à gauche de l’entrée.'
	},
	reason:
		'Hélène souhaite apprendre à utiliser son smartphone pour prendre rendez-vous chez le médecin sur Internet et lire ses messages de l’Assurance maladie. Elle n’a pas d’ordinateur chez elle, sa sœur l’aidait jusqu’ici, et elle a besoin qu’on lui explique pas à pas, à son rythme\u202f! 🙂',
	toBring: 'Votre téléphone portable et son chargeur\nVotre carte Vitale\nVos identifiants Ameli si vous les avez',
	sentAt: new Date('2026-11-17T09:12:00Z'),
	appointmentAt: new Date('2026-11-24T13:30:00Z'),
	prescriber: { name: 'Sophie Lacoste-Etchegaray', organisation: 'Centre communal d’action sociale de Pau', phone: '05 59 27 85 80' },
	personLink: 'https://maillage.le64.fr/mon-orientation/OR-7K2M9?c=Zx8Qm2pL4tVb'
};
/** What a careless caller might pass along with the sheet's data. */
const sheetWithInternals = { ...sheet, declineReason: DECLINE_REASON, internalNote: INTERNAL_NOTE } as ReferralSheetData;

const THEMES = [
	['Smartphone', 'E-mail'],
	['Démarches en ligne (CAF, Ameli)'],
	['Traitement de texte'],
	['Sécurité : arnaques et mots de passe', 'Réseaux sociaux']
];

const record: RecordExport = {
	format: 'maillage-dossier-v1',
	generatedAt: '2026-11-24T13:30:00.000Z',
	instanceName: 'Maillage numérique des Pyrénées-Atlantiques',
	holder: { organisation: 'Centre communal d’action sociale de Pau', contact: 'dpo@ccas-pau.fr, 05 59 27 85 80' },
	person: {
		firstName: 'Hélène',
		lastName: 'Dupré-Etcheverry',
		pseudonym: null,
		birthYear: 1951,
		commune: 'Lons',
		phone: '+33612345678',
		email: 'helene.dupre@example.fr',
		preferredContact: 'Par SMS',
		language: 'Français',
		accessibilityNeeds: ['Voit mal ou pas du tout', 'A besoin de temps et d’explications simples'],
		createdAt: '2026-01-12T09:00:00.000Z',
		updatedAt: '2026-11-20T15:45:00.000Z'
	},
	consents: [
		{
			purpose: 'Que la médiathèque voie mon nom et mon téléphone pour me proposer un rendez-vous.',
			scope: ['Son prénom, son nom et sa commune', 'Son téléphone et son adresse e-mail'],
			withOrganisation: 'Médiathèque André-Labarrère',
			method: 'Signature sur place',
			givenAt: '2026-01-12T09:10:00.000Z',
			withdrawnAt: null
		},
		{
			purpose: 'Partager mon diagnostic avec l’association « Lien numérique » et son œuvre d’entraide.',
			scope: ['Le résultat de son diagnostic numérique'],
			withOrganisation: null,
			method: 'Accord oral, confirmé par le professionnel',
			givenAt: '2026-03-02T10:00:00.000Z',
			withdrawnAt: '2026-04-01T08:00:00.000Z'
		}
	],
	assessments: [
		{
			date: '2026-01-12T09:20:00.000Z',
			version: 1,
			levels: { 'utiliser un appareil': 'Débutante', communiquer: 'Intermédiaire', 'faire ses démarches': 'Débutante' },
			needs: ['Prendre en main un smartphone', 'Réaliser des démarches administratives en ligne']
		}
	],
	referrals: [
		{
			sentAt: '2026-11-17T09:12:00.000Z',
			place: 'Médiathèque André-Labarrère',
			status: 'Refusée',
			appointmentAt: null,
			reason:
				'Apprendre à prendre rendez-vous chez le médecin sur Internet et à lire les messages de l’Assurance maladie, pas à pas, avec quelqu’un de patient qui prend le temps d’expliquer chaque étape.'
		},
		{
			sentAt: '2026-07-01T07:05:00.000Z',
			place: 'France services de Lons',
			status: 'Honorée',
			appointmentAt: '2026-07-08T12:00:00.000Z',
			reason: 'Déclarer ses revenus en ligne.'
		}
	],
	accompaniments: Array.from({ length: 40 }, (_, i) => ({
		date: new Date(Date.UTC(2026, 0, 15 + i * 7, 9)).toISOString(),
		place: i % 3 ? 'Médiathèque André-Labarrère' : 'France services de Lons',
		themes: THEMES[i % 4],
		durationMinutes: 30 + (i % 4) * 30
	})),
	journal: Array.from({ length: 25 }, (_, i) => ({
		at: new Date(Date.UTC(2026, 0, 12 + i * 12, 8 + (i % 9), (i * 7) % 60)).toISOString(),
		action: i % 2 ? 'Consultation du dossier' : 'Modification de l’identité',
		organisation: i % 5 === 4 ? null : 'Centre communal d’action sociale de Pau'
	}))
};
const recordWithInternals = {
	...record,
	referrals: record.referrals.map((r) => ({ ...r, declineReason: DECLINE_REASON })),
	internalNote: INTERNAL_NOTE
} as RecordExport;

// ---------------------------------------------------------------------------------------
// pure helpers

describe('French text for the standard fonts', () => {
	it('keeps what WinAnsi has and replaces the rest instead of garbling it', () => {
		expect(winAnsi('« Élève » l’œuvre, Œdipe, 12 €… — ÿ')).toBe('« Élève » l’œuvre, Œdipe, 12 €… — ÿ');
		expect(winAnsi('14\u202fh\u00a0: prêt\u202f!')).toBe('14\u00a0h\u00a0: prêt\u00a0!');
		expect(winAnsi('Merci 🙂 beaucoup 👍🏽 !')).toBe('Merci beaucoup !');
		expect(winAnsi('Ștefan Łukasz Đorđe')).toBe('Stefan Lukasz Dorde');
		expect(winAnsi('ﬁchier\u2011joint\ttab\r\nligne')).toBe('fichier-joint tab\nligne');
		expect(winAnsi('in\u00adfor\u00admation')).toBe('information');
		expect(winAnsi('東京')).toBe('??');
		expect(winAnsi(null)).toBe('');
	});

	it('writes dates and times in French, in Paris time, whatever the season', () => {
		expect(frenchDateTime(new Date('2026-11-24T13:30:00Z'))).toBe('mardi 24 novembre 2026 à 14 h 30');
		expect(frenchDateTime('2026-07-01T07:05:00Z')).toBe('mercredi 1er juillet 2026 à 9 h 05');
		expect(frenchDateTime('2026-03-29T22:00:00Z', { weekday: false })).toBe('30 mars 2026 à 0 h');
		expect(frenchDate('2026-12-31T23:30:00Z')).toBe('vendredi 1er janvier 2027');
		expect(frenchDate('2026-03-12')).toBe('jeudi 12 mars 2026');
		expect(frenchDuration(45)).toBe('45 min');
		expect(frenchDuration(60)).toBe('1 h');
		expect(frenchDuration(90)).toBe('1 h 30');
		expect(frenchPhone('+33559272195')).toBe('05 59 27 21 95');
		expect(frenchPhone('0559272195')).toBe('05 59 27 21 95');
		expect(frenchPhone('+41 22 123 45 67')).toBe('+41 22 123 45 67');
	});
});

// ---------------------------------------------------------------------------------------
// the referral sheet

describe('the referral sheet', () => {
	let file = '';
	beforeAll(async () => {
		const pdf = await referralSheetPdf(sheetWithInternals);
		expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
		file = save('orientation.pdf', pdf);
	});

	it('has everything the person needs, correctly accented, and nothing internal', (ctx) => {
		needPoppler(ctx);
		const out = text(file);
		const all = flat(out);
		for (const s of [
			'Votre orientation',
			'Hélène D.',
			'OR-7K2M9',
			'Où aller',
			'Médiathèque André-Labarrère – espace numérique',
			'10 place Marguerite-Laborde',
			'64000 Pau',
			'05 59 27 21 95',
			'numerique@mediatheque-pau.fr',
			'accueil@agglo-pau.fr',
			'Bus ligne T1, arrêt « Médiathèque ». Ascenseur à gauche de l’entrée.',
			'Horaires d’ouverture',
			'Mardi : 9 h – 12 h, 14 h – 18 h',
			'Votre rendez-vous',
			'Mardi 24 novembre 2026 à 14 h 30',
			'Pourquoi y aller',
			// the long reason, wrapped over several lines, the narrow space made a plain one,
			// the emoji dropped
			flat(sheet.reason.replace('\u202f', ' ').replace(' 🙂', '')),
			'À apporter',
			'Votre carte Vitale',
			'Qui vous envoie',
			'Sophie Lacoste-Etchegaray',
			'Centre communal d’action sociale de Pau',
			'mardi 17 novembre 2026',
			'Pour voir ou annuler cette orientation, scannez ce code ou allez sur :'
		])
			expect(all).toContain(s);
		// the link, maybe cut at the end of a line
		expect(out.replace(/\s+/g, '')).toContain(sheet.personLink);
		expect(out).not.toContain(DECLINE_REASON.slice(0, 20));
		expect(out).not.toContain('Note interne');
		expect(out).not.toMatch(/[\ufffd]|Ã©/);
	});

	it('numbers its pages and carries its title, author and language', (ctx) => {
		needPoppler(ctx);
		const i = info(file);
		const pages = Number(i.Pages);
		expect(pages).toBeGreaterThanOrEqual(1);
		const footers = [...text(file).matchAll(/Page (\d+) sur (\d+)/g)].map((m) => `${m[1]}/${m[2]}`);
		expect(footers).toEqual(Array.from({ length: pages }, (_, k) => `${k + 1}/${pages}`));
		expect(i.Title).toBe('Votre orientation');
		expect(i.Author).toBe('Maillage numérique des Pyrénées-Atlantiques');
		expect(i.Tagged).toBe('yes');
		expect(i['PDF version']).toBe('1.7');
		expect(i['Page size']).toContain('(A4)');
		const raw = readFileSync(file, 'latin1');
		expect(raw).toContain('/Lang (fr-FR)');
		expect(raw).toContain('/DisplayDocTitle true');
		// the structure a screen reader follows
		const struct = run('pdfinfo', ['-struct', file]);
		for (const tag of ['H1', 'H2', 'P', 'L', 'LI', 'Figure', 'Link']) expect(struct).toMatch(new RegExp(`^\\s*${tag}\\b`, 'm'));
	});

	it('has a QR code of at least 3 cm that a phone reads back as the person’s link', (ctx) => {
		needPoppler(ctx);
		// the image's size on paper
		const images = run('pdfimages', ['-list', file])
			.split('\n')
			.slice(2)
			.filter(Boolean)
			.map((l) => l.trim().split(/\s+/))
			.filter((cols) => cols[2] === 'image'); // not the transparency mask, if any
		expect(images).toHaveLength(1);
		const [widthPx, ppi] = [Number(images[0][3]), Number(images[0][12])];
		expect((widthPx / ppi) * 2.54).toBeGreaterThanOrEqual(3);
		expect(QR_WIDTH_MM).toBeGreaterThanOrEqual(30);

		if (!tools.zbar) ctx.skip(ZBAR_MISSING);
		run('pdftoppm', ['-r', '150', '-png', file, join(dir, 'orientation')]);
		const pngs = readdirSync(dir).filter((f) => /^orientation-\d+\.png$/.test(f));
		expect(pngs.length).toBe(Number(info(file).Pages));
		const decoded = pngs.flatMap((png) => {
			const r = spawnSync('zbarimg', ['--raw', '-q', join(dir, png)], { encoding: 'utf8' });
			return r.stdout.split('\n').filter(Boolean);
		});
		expect(decoded).toEqual([sheet.personLink]);
	});

	it('fits on one A4 page, as the platform prints it (no list of things to bring), with or without an appointment', async (ctx) => {
		needPoppler(ctx);
		for (const appointmentAt of [sheet.appointmentAt, null]) {
			const file = save(`orientation-une-page-${appointmentAt ? 'rdv' : 'sans'}.pdf`, await referralSheetPdf({ ...sheet, appointmentAt, toBring: null }));
			expect(info(file).Pages).toBe('1');
			expect(text(file)).toContain('Page 1 sur 1');
		}
	});

	it('groups the days with the same hours', () => {
		expect(
			groupHours([
				'Lundi\u00a0: 9 h – 12 h',
				'Mardi\u00a0: 9 h – 12 h',
				'Mercredi\u00a0: 9 h – 12 h',
				'Jeudi\u00a0: 14 h – 17 h',
				'Vendredi\u00a0: fermé',
				'Samedi\u00a0: fermé'
			])
		).toEqual(['Lundi au mercredi\u00a0: 9 h – 12 h', 'Jeudi\u00a0: 14 h – 17 h', 'Vendredi et samedi\u00a0: fermé']);
	});

	it('without an appointment, says so and how to get one', async (ctx) => {
		needPoppler(ctx);
		const file = save(
			'orientation-sans-rdv.pdf',
			await referralSheetPdf({ ...sheet, appointmentAt: null, toBring: null, place: { ...sheet.place, emails: [], access: null } })
		);
		const all = flat(text(file));
		expect(all).toContain('Il n’y a pas encore de rendez-vous.');
		expect(all).toContain('Appelez le 05 59 27 21 95, ou allez sur place aux heures d’ouverture.');
		expect(all).not.toContain('À apporter');
		expect(all).not.toContain('E-mail');
	});
});

// ---------------------------------------------------------------------------------------
// the readable record export

describe('the readable export of a record', () => {
	let file = '';
	beforeAll(async () => {
		// the same object once through JSON, as the export produces it
		const pdf = await recordExportPdf(JSON.parse(JSON.stringify(recordWithInternals)) as RecordExport);
		file = save('dossier.pdf', pdf);
	});

	it('lays out every section, correctly accented, and nothing internal', (ctx) => {
		needPoppler(ctx);
		const out = text(file);
		const all = flat(out);
		for (const s of [
			'Vos données enregistrées',
			'Document créé le mardi 24 novembre 2026 à 14 h 30.',
			'Votre dossier est tenu par : Centre communal d’action sociale de Pau.',
			'Votre identité',
			'Prénom : Hélène',
			'Nom : Dupré-Etcheverry',
			'Année de naissance : 1951',
			'Téléphone : 06 12 34 56 78',
			'Besoins particuliers : Voit mal ou pas du tout A besoin de temps et d’explications simples',
			'Vos consentements',
			'Consentement du lundi 12 janvier 2026',
			'Partager mon diagnostic avec l’association « Lien numérique » et son œuvre d’entraide.',
			'Avec qui : Le lieu de votre orientation',
			'Retiré : Oui, le mercredi 1er avril 2026 à 10 h',
			'Retiré : Non, il est toujours valable',
			'Vos diagnostics',
			'Communiquer : Intermédiaire',
			'Vos besoins : Prendre en main un smartphone Réaliser des démarches administratives en ligne',
			'Vos orientations',
			'Orientation du mardi 17 novembre 2026',
			'État : Refusée',
			'Rendez-vous : Aucun rendez-vous',
			flat(record.referrals[0].reason),
			'Rendez-vous : mercredi 8 juillet 2026 à 14 h',
			'Vos accompagnements',
			'40 accompagnements, 50 h au total.',
			'Qui a consulté ou modifié votre dossier',
			'Modification de l’identité',
			'Non précisée',
			'Vos droits',
			'droit de rectification',
			'droit à l’effacement',
			'Contact : dpo@ccas-pau.fr, 05 59 27 85 80'
		])
			expect(all).toContain(s);
		expect(out).not.toContain(DECLINE_REASON.slice(0, 20));
		expect(out).not.toContain('Note interne');
		expect(out).not.toMatch(/[\ufffd]|Ã©/);
	});

	it('spans several pages, each with "Page n sur N", the table header repeated', (ctx) => {
		needPoppler(ctx);
		const i = info(file);
		const pages = Number(i.Pages);
		expect(pages).toBeGreaterThanOrEqual(3);
		const out = text(file);
		const footers = [...out.matchAll(/Page (\d+) sur (\d+)/g)].map((m) => `${m[1]}/${m[2]}`);
		expect(footers).toEqual(Array.from({ length: pages }, (_, k) => `${k + 1}/${pages}`));
		// every accompaniment is listed
		for (const a of record.accompaniments) expect(out).toContain(frenchDate(a.date, { weekday: false }));
		// the header of the accompaniments' table, on more than one page
		expect(out.match(/Date\s+Lieu\s+Thèmes\s+Durée/g)?.length).toBeGreaterThan(1);
		expect(i.Title).toBe('Vos données enregistrées');
		expect(i.Author).toBe('Maillage numérique des Pyrénées-Atlantiques');
		expect(i.Tagged).toBe('yes');
		expect(readFileSync(file, 'latin1')).toContain('/Lang (fr-FR)');
		expect(run('pdfinfo', ['-struct', file])).toMatch(/^\s*Table\b[\s\S]*^\s*TH\b[\s\S]*^\s*TD\b/m);
	});

	it('says "Aucun …" for each empty section instead of leaving it out', async (ctx) => {
		needPoppler(ctx);
		const empty: RecordExport = {
			...record,
			holder: { organisation: 'France services de Lons', contact: null },
			person: { ...record.person, firstName: null, lastName: null, pseudonym: 'Lulu', phone: null, email: null, accessibilityNeeds: [] },
			consents: [],
			assessments: [],
			referrals: [],
			accompaniments: [],
			journal: []
		};
		const file = save('dossier-vide.pdf', await recordExportPdf(empty));
		const all = flat(text(file));
		for (const s of [
			'Prénom : Non renseigné',
			'Pseudonyme : Lulu',
			'Besoins particuliers : Aucun',
			'Aucun consentement enregistré.',
			'Aucun diagnostic enregistré.',
			'Aucune orientation enregistrée.',
			'Aucun accompagnement enregistré.',
			'Aucune consultation ni modification enregistrée.',
			'Structure : France services de Lons'
		])
			expect(all).toContain(s);
		expect(all).not.toContain('Contact :');
		expect(all).toMatch(/Page 1 sur \d/);
	});
});
