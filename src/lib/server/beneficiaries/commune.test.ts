/**
 * The commune of a person's record, typed by a professional: a name several communes share
 * gets examples the form reads back (the acceptance walk of issue 13 found « Saint-Pierre
 * 47000 » suggested, and refused, for a commune that is not in the 47).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { CareError, createBeneficiary } from './index.ts';

let w: World;
let org: string;
let prescriber: Actor;
beforeAll(async () => {
	w = await openWorld({ boss: false });
	org = await w.organisation('CCAS de Nérac', 'ccas');
	prescriber = await w.member('pat@ccas-nerac.test', org, 'prescriber');
});
afterAll(async () => w?.close());

const create = (commune: string) =>
	createBeneficiary(w.db, prescriber, {
		organisationId: org,
		confirmNew: true,
		form: { firstName: 'Rose', lastName: 'Lamarque', commune, preferredContact: 'none' }
	});

it('answers an ambiguous commune with examples that the form then accepts', async () => {
	const e = await create('Saint-Pierre').catch((x) => x);
	expect(e).toBeInstanceOf(CareError);
	const hint = (e as CareError).fields.commune;
	expect(hint).toMatch(/Plusieurs communes s’appellent « Saint-Pierre »/);
	const examples = [...hint.matchAll(/« ([^»]+) »/g)].map((m) => m[1].trim()).filter((x) => x !== 'Saint-Pierre');
	expect(examples.length).toBeGreaterThan(1);
	for (const example of examples) expect((await create(example)).status, example).toBe('created');
});
