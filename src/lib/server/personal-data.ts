/**
 * The personal-data registry (issue 13, item 2): each capability declares, in its
 * `personal-data.ts`, the tables that hold something about a person helped, the column that
 * names the person, and what export, erasure, anonymisation and retention do with each.
 * Each declaration also carries what its capability does for the person's rights: its
 * sections of the export, its part of erasure and anonymisation, its rows moved by a merge.
 * `privacy/` walks the registry (PERSONAL_DATA, privacy/registry.ts) for each of them: no
 * capability coordinates the others by hand. `test/personal-data.test.ts` reads the
 * database's own catalogue and fails when a table names a person without being declared,
 * or when a declaration says something the foreign keys or the hooks do not do.
 */
import type { DbOrTx, Tx } from './db/client.ts';

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

/** The person as the hooks receive them: the record as it was before erasure (its contacts name the messages and counters to forget). */
export interface PersonRef {
	id: string;
	departmentCode: string;
	phone: string | null;
	email: string | null;
}

export interface PersonalDataDeclaration {
	capability: string;
	tables: PersonalDataTable[];
	/** its sections of the person's export (JSON keys of the export, as `tables[].export` names them) */
	exportOf?(db: DbOrTx, person: PersonRef): Promise<Record<string, unknown>>;
	/** its part of erasure and anonymisation, in the caller's transaction: what `tables[].erasure` says, and nothing else */
	erase?(tx: Tx, person: PersonRef, now: Date): Promise<void>;
	/** the journal's targets of its own that concern the person (a referral's entries): their lines join the export's journal */
	journalTargets?(db: DbOrTx, person: PersonRef): Promise<{ targetType: string; ids: string[] }>;
	/** a merge of two records of the same person: its rows naming `fromId` now name `toId` */
	move?(tx: Tx, fromId: string, toId: string): Promise<void>;
}
