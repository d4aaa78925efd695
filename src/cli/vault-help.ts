/** `maillage vault …`'s help and command names, apart from the vault's modules: `maillage help` loads nothing else. */
export const VAULT_HELP = `  maillage vault rotate-master-key                 A new master key in the key file (VAULT_MASTER_KEY_FILE
                                                   or DATA_DIR/keys/vault-master.json), made current, then
                                                   every person key rewrapped with it; restart the server
                                                   afterwards. With VAULT_MASTER_KEY, says how to change it,
                                                   and rewraps with the key the environment makes current.
  maillage vault check                             Decrypts every document and compares its digest; exit
                                                   code 1 and the failing document ids when one fails.
  maillage vault purge-orphans                     Removes the stored files no document names any more
                                                   (those written in the last two hours are left alone).
`;

export const VAULT_COMMANDS = ['rotate-master-key', 'check', 'purge-orphans'] as const;
export type VaultCommand = (typeof VAULT_COMMANDS)[number];
export const isVaultCommand = (s: string | undefined): s is VaultCommand => (VAULT_COMMANDS as readonly string[]).includes(s ?? '');
