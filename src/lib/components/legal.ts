/** A contact of the legal pages: an e-mail, a web page, or lines of a postal address. */
export type Contact = { kind: 'email'; value: string } | { kind: 'url'; value: string } | { kind: 'text'; lines: string[] } | null;

/** What a legal page says where the administrator has not filled a setting in yet. */
export const NOT_SET = 'Non renseigné : l’administrateur du site doit le compléter dans les réglages de l’instance.';
