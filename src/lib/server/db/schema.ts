// Every table, for drizzle-kit and for the typed database handle.
export * from '../territory/db.ts';
export * from '../places/db.ts';
export * from '../accounts/db.ts';
export * from '../audit/db.ts';
export * from '../mail/db.ts';
export * from '../beneficiaries/db.ts';
export * from '../grants/db.ts';
export * from '../referral/db.ts';
export * from '../accompaniments/db.ts';
export * from '../pass/db.ts';
export * from '../vault/db.ts';
export * from '../mandates/db.ts';
export * from '../strategy/db.ts';
export * from '../steering/db.ts';
export * from '../trainings/db.ts';
export * from '../equipment/db.ts';
