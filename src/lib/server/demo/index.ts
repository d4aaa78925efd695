/** The demo capability's one public entry. The demo territory: its accounts and its one-time seed. */
export { ensureDemo, ensureTerritory, DEMO_FILES } from './seed.ts';
export { createDemoAccounts, demoCode, demoGuide, DemoError } from './accounts.ts';
