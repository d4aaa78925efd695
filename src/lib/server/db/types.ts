import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL int4multirange, exchanged as its text form: "{[0,60),[120,180)}". */
export const int4multirange = customType<{ data: string; driverData: string }>({
	dataType() {
		return 'int4multirange';
	}
});
