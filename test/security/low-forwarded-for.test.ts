/**
 * Issue 11, low finding: X-Forwarded-For was trusted from its leftmost hop, which the
 * client writes: forged addresses in the journal, and no lock on code guessing (each try
 * from a "new" address). TRUST_PROXY now names the proxies (a number of hops, or their
 * addresses and CIDR ranges) and the client is the right-most hop that is not one of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clientIp, parseTrustProxy } from '../../src/lib/server/web/session-cookie.ts';

const req = (xff?: string) => new Request('http://localhost/', { headers: xff ? { 'x-forwarded-for': xff } : {} });
const from = (socket: string, xff?: string) => clientIp(req(xff), () => socket);
const saved = process.env.TRUST_PROXY;
afterEach(() => {
	if (saved === undefined) delete process.env.TRUST_PROXY;
	else process.env.TRUST_PROXY = saved;
});

describe('issue 11, low: X-Forwarded-For is trusted only as far as the configured proxies', () => {
	it('a forged leftmost hop is never the client (one proxy: TRUST_PROXY=1)', () => {
		process.env.TRUST_PROXY = '1';
		// the client sends "X-Forwarded-For: 6.6.6.6"; the proxy appends the address it saw
		expect(from('10.0.0.2', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
		// a new forged address on every try changes nothing: the lock on code guessing holds
		const seen = new Set(Array.from({ length: 20 }, (_, i) => from('10.0.0.2', `198.51.100.${i}, 203.0.113.9`)));
		expect([...seen]).toEqual(['203.0.113.9']);
		expect(from('10.0.0.2')).toBe('10.0.0.2');
	});

	it('two proxies: the second hop from the right', () => {
		process.env.TRUST_PROXY = '2';
		expect(from('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1')).toBe('203.0.113.9');
		expect(from('10.0.0.2', '203.0.113.9')).toBe('203.0.113.9');
	});

	it('a list of proxies and CIDR ranges: the right-most address that is not one of them', () => {
		process.env.TRUST_PROXY = '10.0.0.0/8, 192.0.2.7, fd00::/8';
		expect(from('10.0.0.2', '6.6.6.6, 203.0.113.9, 192.0.2.7, 10.1.2.3')).toBe('203.0.113.9');
		expect(from('::ffff:10.0.0.2', '2001:db8::1, fd00::5')).toBe('2001:db8::1');
		// a request straight from the internet (not through a proxy): its header is ignored
		expect(from('203.0.113.50', '6.6.6.6')).toBe('203.0.113.50');
		// garbage where the client should be: the last trusted proxy, never the garbage
		expect(from('10.0.0.2', '<script>, not-an-ip')).toBe('10.0.0.2');
		expect(from('10.0.0.2', '198.51.100.4:5678')).toBe('198.51.100.4');
	});

	it('without TRUST_PROXY the header is ignored; a malformed value stops the start', () => {
		delete process.env.TRUST_PROXY;
		expect(from('203.0.113.50', '6.6.6.6')).toBe('203.0.113.50');
		process.env.TRUST_PROXY = '0';
		expect(from('203.0.113.50', '6.6.6.6')).toBe('203.0.113.50');
		expect(() => parseTrustProxy('yes')).toThrow(/TRUST_PROXY/);
		expect(() => parseTrustProxy('10.0.0.0/abc')).toThrow(/TRUST_PROXY/);
	});
});
