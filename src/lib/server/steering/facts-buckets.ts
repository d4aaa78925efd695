/** Delay buckets for the time to a place's first answer, in days (lower bounds): facts.ts counts them, delays.ts reads them. */
export const DELAY_BUCKETS = [0, 1, 2, 3, 4, 5, 7, 10, 14, 21, 30] as const;
