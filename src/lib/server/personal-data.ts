/**
 * The personal-data registry (issue 13, item 2): each capability declares, in its
 * `personal-data.ts`, the tables that hold something about a person helped, the column that
 * names the person, and what export, erasure, anonymisation and retention do with each.
 * `test/personal-data.test.ts` reads the database's own catalogue and fails when a table
 * names a person without being declared here, or when a declaration says something the
 * foreign keys do not do.
 */
import { personalData as beneficiaries } from './beneficiaries/index.ts';
import { personalData as referral } from './referral/index.ts';
import { personalData as accompaniments } from './accompaniments/index.ts';
import { personalData as pass } from './pass/index.ts';
import { personalData as mail } from './mail/index.ts';
import { personalData as grants } from './grants/index.ts';

export interface PersonalDataTable {
	/** the SQL table */
	table: string;
	/** the column that names the person (a beneficiaries.id) */
	person: string;
	/** what it holds about the person, in plain words */
	holds: string;
	/** where the person's export (JSON and PDF) gives it, or why it does not */
	export: string;
	/**
	 * What the foreign key does when a record's row is removed (a merge): the rows go with
	 * it, or stay without the person; 'expires' for a list of ids that cannot have a foreign
	 * key (the rows end on their own).
	 */
	onRecordDeleted: 'deleted' | 'unlinked' | 'expires';
	/**
	 * What erasing the person (RGPD art. 17) does to these rows: the record is emptied in
	 * place (its id stays, so that the figures and the ledger still add up): rows deleted,
	 * or the columns that hold something personal cleared, or kept because nothing personal
	 * is left in them once the record is emptied (say why).
	 */
	erasure: { deleted: true } | { cleared: string[] } | { kept: string };
	/** what anonymising an inactive record does (the same as erasure, or more) */
	anonymisation: string;
	/** how long it is kept, with the constant that applies it */
	retention: string;
}

export interface PersonalDataDeclaration {
	capability: string;
	tables: PersonalDataTable[];
}

export const PERSONAL_DATA: PersonalDataDeclaration[] = [beneficiaries, grants, referral, accompaniments, pass, mail];
