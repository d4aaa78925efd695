import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { MAX_CONCURRENT_UPLOADS, withUploadSlot } from './uploads.ts';

describe('uploads held in memory at once', () => {
	it('lets MAX_CONCURRENT_UPLOADS run together and tells the next to try again, before reading it', async () => {
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const running = Array.from({ length: MAX_CONCURRENT_UPLOADS }, () => withUploadSlot(() => gate));
		let read = false;
		const refused = await withUploadSlot(async () => {
			read = true;
		}).catch((e) => e);
		expect(refused).toBeInstanceOf(DomainError);
		expect((refused as DomainError).code).toBe('unavailable');
		expect(read).toBe(false);
		release();
		await Promise.all(running);
		// slots are given back, even after an error
		await expect(withUploadSlot(() => Promise.reject(new Error('cut')))).rejects.toThrow('cut');
		expect(await withUploadSlot(async () => 'ok')).toBe('ok');
	});
});
