/**
 * Who runs the places: the structures running each place and their place managers are data of
 * the accounts capability, which depends on places (its tables point at them). Places asks
 * through this port instead of importing accounts; the composition root (../app.ts) hands it
 * accounts' implementation (`usePlaceTeams`).
 */
import type { DbOrTx } from '../db/client.ts';

export interface PlaceTeams {
	/** the structures running the place */
	organisationsRunning(db: DbOrTx, placeId: string): Promise<string[]>;
	/** the places these structures run, each once */
	placesRunBy(db: DbOrTx, organisationIds: string[]): Promise<string[]>;
	/** how many place managers the structures running each place have (a place without any is absent) */
	managerCounts(db: DbOrTx, placeIds: string[]): Promise<Map<string, number>>;
	/** the active place managers of the structures running the place, each once */
	activeManagers(db: DbOrTx, placeId: string): Promise<{ email: string; displayName: string }[]>;
}

let wired: PlaceTeams | null = null;

/** Gives places the teams' port (the composition root does, once). */
export function usePlaceTeams(teams: PlaceTeams | null): void {
	wired = teams;
}

/** The teams' port; throws when nothing wired it (a programming error, not a user's). */
export function placeTeams(): PlaceTeams {
	if (!wired) throw new Error('places: the place teams are not wired (usePlaceTeams, in the composition root)');
	return wired;
}
