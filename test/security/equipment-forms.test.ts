/**
 * Issue 18: the equipment forms (a donor, a lot and its devices, a donor's declared stock)
 * attacked through their form actions, on PGlite and PostgreSQL: another département's
 * coordinator, a prescriber and another refurbisher record nothing; a line in error, an
 * over-long or binary input is refused in French and writes nothing (all or nothing);
 * formula-like values are kept as typed and come out of the donor's CSV report neutralised.
 * (A form posted from another site is refused before any action: e2e/equipment-forms.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import { setDatabase } from '../../src/lib/server/db/client.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { createDonor, donorReport, donorReportCsv } from '../../src/lib/server/equipment/index.ts';

const donorForm = await import('../../src/routes/(pro)/espace/materiel/donateurs/nouveau/+page.server.ts');
const lotForm = await import('../../src/routes/(pro)/espace/materiel/lots/nouveau/+page.server.ts');
const donorPage = await import('../../src/routes/(pro)/espace/materiel/donateurs/[id]/+page.server.ts');

let w: World;
let coordinator: Actor;
let coordinator33: Actor;
let refurbisher: Actor;
let otherRefurbisher: Actor;
let prescriber: Actor;
let atelier: string;
let clic: string;
let donor: string;

type Outcome = { status: number; code?: string; fields?: Record<string, string>; message: string; location?: string };

async function act(
	action: (event: never) => unknown,
	actor: Actor,
	body: FormData | Record<string, string>,
	params: Record<string, string> = {}
): Promise<Outcome> {
	const form = body instanceof FormData ? body : new URLSearchParams(body);
	const request = new Request('http://localhost:3000/espace/materiel', { method: 'POST', body: form });
	try {
		const r = (await action({ request, params, locals: { session: { actor, mfa: true }, ip: '192.0.2.1' }, url: new URL(request.url) } as never)) as
			{ status?: number; data?: { code: string; message: string; fields: Record<string, string> } } | undefined;
		return { status: r?.status ?? 200, code: r?.data?.code, fields: r?.data?.fields, message: r?.data?.message ?? '' };
	} catch (e) {
		const err = e as { status?: number; location?: string; body?: { message: string } };
		if (err.location) return { status: err.status!, location: err.location, message: '' };
		if (!err.status) throw e;
		return { status: err.status, message: err.body?.message ?? '' };
	}
}

const count = async (table: string) => (await w.db.query<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;
const lot = (over: Record<string, string> = {}) => ({
	donorId: donor,
	refurbisherId: atelier,
	reference: `L-${Math.random().toString(36).slice(2, 8)}`,
	receivedOn: '2026-03-01',
	legalBasis: '',
	note: '',
	devices:
		'portable\u00a0; Dell\u00a0; Latitude 5490\u00a0; SN1\u00a0; 2019\u00a0; bon état\nsmartphone\u00a0; Samsung\u00a0; A52\u00a0; SN2\u00a0; 2021\u00a0; écran rayé',
	...over
});

beforeAll(async () => {
	w = await openWorld();
	setDatabase(w.db);
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	atelier = await w.organisation('Atelier solidaire de reconditionnement', 'association');
	clic = await w.organisation('Association Clic', 'association');
	const ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	refurbisher = await w.member('lea@atelier.test', atelier, 'place_manager');
	otherRefurbisher = await w.member('eli@clic.test', clic, 'mediator');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	donor = await createDonor(w.db, coordinator, '47', { kind: 'departement', name: 'Département de Lot-et-Garonne' });
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('who records', () => {
	it('another département’s coordinator records no donor, lot nor stock of this one', async () => {
		const [donors, lots, stock] = [await count('equipment_donors'), await count('equipment_lots'), await count('equipment_donor_stock')];
		const d = await act(donorForm.actions.default, coordinator33, {
			departmentCode: '47',
			kind: 'commune',
			name: 'Commune de Nérac',
			siret: '',
			communeCode: ''
		});
		expect(d).toMatchObject({ status: 400, fields: { departmentCode: expect.stringContaining('département') } });
		const l = await act(lotForm.actions.default, coordinator33, lot());
		expect(l.status).toBe(403);
		expect(l.message).toMatch(/coordination du département/);
		const s = await act(donorPage.actions.stock, coordinator33, { year: '2026', retiredInStock: '40' }, { id: donor });
		expect(s.status).toBe(404);
		expect([await count('equipment_donors'), await count('equipment_lots'), await count('equipment_donor_stock')]).toEqual([donors, lots, stock]);
	});

	it('a prescriber gets no form and records nothing', async () => {
		await expect(lotForm.load({ locals: { session: { actor: prescriber, mfa: true } }, url: new URL('http://localhost/') } as never)).rejects.toMatchObject({
			status: 403
		});
		await expect(donorForm.load({ locals: { session: { actor: prescriber, mfa: true } } } as never)).rejects.toMatchObject({ status: 403 });
		const before = await count('equipment_lots');
		expect((await act(lotForm.actions.default, prescriber, lot())).status).toBe(403);
		expect((await act(donorPage.actions.stock, prescriber, { year: '2026', retiredInStock: '40' }, { id: donor })).status).toBe(404);
		expect(await count('equipment_lots')).toBe(before);
	});

	it('a refurbisher records a lot for its own structure, never for another', async () => {
		const before = await count('equipment_devices');
		expect((await act(lotForm.actions.default, otherRefurbisher, lot())).status).toBe(403);
		expect(await count('equipment_devices')).toBe(before);
		const ok = await act(lotForm.actions.default, refurbisher, lot());
		// the refurbisher does not read the donor's report: back to its stock
		expect(ok).toMatchObject({ status: 303, location: expect.stringMatching(/^\/espace\/materiel\?structure=.*&fait=lot&appareils=2$/) });
		expect(await count('equipment_devices')).toBe(before + 2);
		const mine = await act(lotForm.actions.default, refurbisher, lot({ refurbisherId: clic }));
		expect(mine.status).toBe(403);
	});

	it('a coordinator’s donor, then its stock, then a lot: back on the donor’s page', async () => {
		const d = await act(donorForm.actions.default, coordinator, {
			departmentCode: '47',
			kind: 'company',
			name: 'Entreprise Garonne Services',
			siret: '732 829 320 00074',
			communeCode: '47001'
		});
		expect(d).toMatchObject({ status: 303, location: expect.stringMatching(/^\/espace\/materiel\/donateurs\/[0-9a-f-]{36}\?fait=cree$/) });
		const id = d.location!.split('/')[4].split('?')[0];
		const [row] = await w.db.query<{ siret: string; commune_code: string; public_body: boolean }>(
			sql`select siret, commune_code, public_body from equipment_donors where id = ${id}`
		);
		expect(row).toEqual({ siret: '73282932000074', commune_code: '47001', public_body: false });
		expect(await act(donorPage.actions.stock, coordinator, { year: '2026', retiredInStock: '1 200' }, { id })).toMatchObject({
			status: 303,
			location: `/espace/materiel/donateurs/${id}?annee=2026&fait=stock`
		});
		expect((await donorReport(w.db, coordinator, id, 2026)).figures.declaredStock).toBe(1200);
		expect(await act(lotForm.actions.default, coordinator, lot({ donorId: id }))).toMatchObject({
			status: 303,
			location: `/espace/materiel/donateurs/${id}?annee=2026&fait=lot&appareils=2`
		});
	});
});

describe('hostile input', () => {
	it('a line in error writes nothing and names the line; what was typed is kept', async () => {
		const before = [await count('equipment_lots'), await count('equipment_devices')];
		const devices = 'type;marque;modèle;série;année;état\nportable;Dell;Latitude;S1;2019;bon\n\nfrigo;Brandt;;S2;;\ntablette;Apple;iPad;S3;1850;';
		const r = await act(lotForm.actions.default, coordinator, lot({ devices }));
		expect(r.status).toBe(400);
		expect(r.fields!.devices).toContain('Ligne 4');
		expect(r.fields!.devices).toMatch(/«\sfrigo\s»/);
		expect(r.fields!.devices).toMatch(/Ligne 5.*année/);
		expect([await count('equipment_lots'), await count('equipment_devices')]).toEqual(before);
	});

	it('over-long, binary, malformed and missing values are refused in French, nothing written', async () => {
		const before = [await count('equipment_donors'), await count('equipment_lots'), await count('equipment_devices')];
		const long = await act(donorForm.actions.default, coordinator, {
			departmentCode: '47',
			kind: 'autre',
			name: 'x'.repeat(100_000),
			siret: '12345678901234',
			communeCode: '33063'
		});
		expect(long.status).toBe(400);
		expect(Object.keys(long.fields!).sort()).toEqual(['communeCode', 'kind', 'name', 'siret']);
		expect(long.fields!.siret).toMatch(/SIRET/);
		expect(long.fields!.communeCode).toMatch(/commune du département/);
		const huge = await act(lotForm.actions.default, coordinator, lot({ devices: 'portable;Dell;X;S;2019;\n'.repeat(20_000) }));
		expect(huge).toMatchObject({ status: 400, fields: { devices: expect.stringMatching(/trop long/) } });
		const many = await act(lotForm.actions.default, coordinator, lot({ devices: 'portable\n'.repeat(2001) }));
		expect(many).toMatchObject({ status: 400, fields: { devices: expect.stringMatching(/2000 appareils au plus/) } });
		const cells = await act(lotForm.actions.default, coordinator, lot({ devices: `portable;${'D'.repeat(500)};X` }));
		expect(cells).toMatchObject({ status: 400, fields: { devices: expect.stringMatching(/^Ligne 1.*marque/) } });
		const quote = await act(lotForm.actions.default, coordinator, lot({ devices: 'portable;"Dell;X' }));
		expect(quote).toMatchObject({ status: 400, fields: { devices: expect.stringMatching(/Ligne/) } });
		const empty = await act(lotForm.actions.default, coordinator, lot({ devices: '  \n ', reference: '', receivedOn: '01/03/2026', donorId: 'x' }));
		expect(empty.status).toBe(400);
		expect(empty.fields!.devices).toMatch(/au moins un appareil/);
		const missing = await act(lotForm.actions.default, coordinator, lot({ reference: '', receivedOn: '01/03/2026', donorId: 'x' }));
		expect(Object.keys(missing.fields!).sort()).toEqual(['donorId', 'receivedOn', 'reference']);
		const binary = new FormData();
		for (const [k, v] of Object.entries(lot({ devices: '' }))) binary.set(k, v);
		binary.set('fichier', new File([new Uint8Array([0, 1, 2, 3, 0xff, 0xfe, 0, 0])], 'lot.csv', { type: 'text/csv' }));
		expect((await act(lotForm.actions.default, coordinator, binary)).status).toBe(400);
		// a day the calendar has not (the database would refuse it: a 500 before) or to come
		const impossible = await act(lotForm.actions.default, coordinator, lot({ receivedOn: '2026-02-30' }));
		expect(impossible).toMatchObject({ status: 400, fields: { receivedOn: expect.stringMatching(/n’existe pas/) } });
		const future = await act(lotForm.actions.default, coordinator, lot({ receivedOn: '2999-01-01' }));
		expect(future).toMatchObject({ status: 400, fields: { receivedOn: expect.stringMatching(/futur/) } });
		const stock = await act(donorPage.actions.stock, coordinator, { year: '=1+1', retiredInStock: '-5' }, { id: donor });
		expect(Object.keys(stock.fields!).sort()).toEqual(['retiredInStock', 'year']);
		expect([await count('equipment_donors'), await count('equipment_lots'), await count('equipment_devices')]).toEqual(before);
		for (const r of [long, huge, many, cells, quote, empty, missing, impossible, future, stock])
			for (const m of Object.values(r.fields!)) expect(m).toMatch(/[àâéèêîôûç’«]|Ligne|SIRET|au plus|Indiquez|Choisissez/);
	});

	it('a CSV file is read like the lines; formula-like values are kept as typed and neutralised in the CSV report', async () => {
		const file = new FormData();
		for (const [k, v] of Object.entries(lot({ devices: 'ignored', reference: 'L-FORMULES' }))) file.set(k, v);
		const csv = 'Type,Marque,Modèle,Numéro de série,Année,État\nportable,"=HYPERLINK(""https://evil.example"",""x"")",+cmd,@SUM(A1),2020,-2+3\n';
		file.set('fichier', new File([new TextEncoder().encode(csv)], 'lot.csv', { type: 'text/csv' }));
		expect((await act(lotForm.actions.default, coordinator, file)).status).toBe(303);
		const [d] = await w.db.query<{ brand: string; model: string; serial: string; state_on_receipt: string }>(
			sql`select d.brand, d.model, d.serial, d.state_on_receipt from equipment_devices d join equipment_lots l on l.id = d.lot_id where l.reference = 'L-FORMULES'`
		);
		expect(d).toEqual({ brand: '=HYPERLINK("https://evil.example","x")', model: '+cmd', serial: '@SUM(A1)', state_on_receipt: '-2+3' });
		const out = donorReportCsv(await donorReport(w.db, coordinator, donor, 2026));
		for (const cell of out.split(/[;\n]/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+@-]/);
		expect(out).toContain('HYPERLINK');
	});
});
