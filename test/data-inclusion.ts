/**
 * TEST HELPER: data·inclusion's own JSON schemas (test/fixtures/data-inclusion, v1.0.8,
 * copied from gip-inclusion/data-inclusion-schema), compiled with ajv and ajv-formats, plus
 * the rules its Python models check beyond the JSON schema (services.py, structures.py):
 * `tous-publics` alone, a date_maj in the 21st century and not in the future, a name that
 * does not end with a point. `errorsOf` gives every problem of one record, as text.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const read = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/data-inclusion/${name}`, import.meta.url), 'utf8'));

export const STRUCTURE_SCHEMA = read('structure.schema.json');
export const SERVICE_SCHEMA = read('service.schema.json');

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = { structure: ajv.compile(STRUCTURE_SCHEMA), service: ajv.compile(SERVICE_SCHEMA) };

/** The values of one of the schemas' vocabularies ($defs: Thematique, Public, ReseauPorteur…). */
export function vocabulary(name: string): string[] {
	const def = SERVICE_SCHEMA.$defs[name] ?? STRUCTURE_SCHEMA.$defs[name];
	if (!def) throw new Error(`no vocabulary ${name}`);
	return def.enum;
}

export function errorsOf(kind: 'structure' | 'service', record: Record<string, unknown>, today = new Date().toISOString().slice(0, 10)): string[] {
	const validate = validators[kind];
	const out = validate(record) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
	const nom = String(record.nom ?? '');
	if (nom.endsWith('.') && !nom.endsWith('etc.')) out.push(`/nom ends with a point: ${nom}`);
	const d = String(record.date_maj ?? '');
	if (d < '2000-01-01' || d > today) out.push(`/date_maj out of range: ${d}`);
	const publics = record.publics as string[] | null | undefined;
	if (publics && publics.includes('tous-publics') && publics.length > 1) out.push('/publics: tous-publics with other values');
	return out;
}
