/** The inbound SMS adapter: the provider's payloads read, numbers normalised, the shared secret checked. */
import { describe, expect, it } from 'vitest';
import { hasInboundSecret, inboundNumber, parseInboundSms } from './inbound.ts';

const now = new Date('2026-11-20T10:00:00Z');

describe('inbound SMS payloads', () => {
	it('reads Brevo’s reply event: the number our SMS went to, without its "+", and the reply', () => {
		expect(parseInboundSms({ id: 26570, msg_status: 'replied', to: '33612345678', reply: 'OUI 4821', messageId: 12, ts_event: 1763632800 }, now)).toEqual({
			from: '+33612345678',
			text: 'OUI 4821',
			at: new Date(1763632800 * 1000)
		});
	});

	it('reads the documented shape, any usual number form', () => {
		expect(parseInboundSms({ from: '06 12 34 56 78', text: 'non', receivedAt: '2026-11-20T09:15:00Z' }, now)).toEqual({
			from: '+33612345678',
			text: 'non',
			at: new Date('2026-11-20T09:15:00Z')
		});
		// a time in the future, or without its zone, is not trusted: the time of receipt instead
		expect(parseInboundSms({ from: '+33612345678', text: 'oui', receivedAt: '2030-01-01T00:00:00Z' }, now)!.at).toEqual(now);
		expect(parseInboundSms({ from: '+33612345678', text: 'oui', receivedAt: '2026-11-20 09:15:00' }, now)!.at).toEqual(now);
	});

	it('ignores what is not a reply: delivery events, empty texts, other bodies', () => {
		expect(parseInboundSms({ msg_status: 'delivered', to: '33612345678' }, now)).toBeNull();
		expect(parseInboundSms({ from: '+33612345678', text: '   ' }, now)).toBeNull();
		expect(parseInboundSms('OUI', now)).toBeNull();
		expect(parseInboundSms(null, now)).toBeNull();
		expect(parseInboundSms([{ from: '+33612345678', text: 'oui' }], now)).toBeNull();
	});

	it('a foreign or invalid number has no sender', () => {
		expect(inboundNumber('447700900123')).toBeNull();
		expect(inboundNumber('262692123456')).toBe('+262692123456');
		expect(parseInboundSms({ from: 'abc', text: 'oui' }, now)!.from).toBeNull();
	});
});

describe('the shared secret', () => {
	const secret = 'un-secret-partage';
	it('accepts it as a bearer token or as Basic’s password, and nothing else', () => {
		expect(hasInboundSecret(`Bearer ${secret}`, secret)).toBe(true);
		expect(hasInboundSecret(`Basic ${Buffer.from(`brevo:${secret}`).toString('base64')}`, secret)).toBe(true);
		expect(hasInboundSecret(`Bearer ${secret}x`, secret)).toBe(false);
		expect(hasInboundSecret(`Bearer`, secret)).toBe(false);
		expect(hasInboundSecret(secret, secret)).toBe(false);
		expect(hasInboundSecret(null, secret)).toBe(false);
		// no secret configured: nobody gets in, not even with an empty one
		expect(hasInboundSecret('Bearer ', '')).toBe(false);
		expect(hasInboundSecret('Bearer x', undefined)).toBe(false);
	});
});
