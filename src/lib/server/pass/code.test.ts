import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALPHABET, CODE_LENGTH, OP, RANDOM_BITS, checkCharacter, formatCode, isValidCode, newCode, parseCode, spokenCode } from './code.ts';

describe('voucher codes', () => {
	it('carry at least 64 bits of randomness, from the whole alphabet', () => {
		expect(RANDOM_BITS).toBeGreaterThanOrEqual(64);
		expect(ALPHABET).toHaveLength(32);
		const seen = new Set<string>();
		for (let i = 0; i < 2000; i++) for (const c of newCode().slice(0, -1)) seen.add(c);
		expect(seen.size).toBe(32);
		const codes = new Set(Array.from({ length: 10_000 }, () => newCode()));
		expect(codes.size).toBe(10_000);
	});

	it('the check operation is a totally anti-symmetric quasigroup (the property the detection rests on)', () => {
		for (let x = 0; x < 32; x++) {
			expect(new Set(OP[x]).size).toBe(32); // each row a permutation
			expect(new Set(OP.map((row) => row[x])).size).toBe(32); // each column a permutation
		}
		for (let c = 0; c < 32; c++) for (let x = 0; x < 32; x++) for (let y = 0; y < 32; y++) if (x !== y) expect(OP[OP[c][x]][y]).not.toBe(OP[OP[c][y]][x]);
	});

	const code = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 13, maxLength: 13 }).map((v) => {
		const body = v.map((i) => ALPHABET[i]).join('');
		return body + checkCharacter(body);
	});

	it('catch every single-character error, at every position (check character included)', () => {
		fc.assert(
			fc.property(code, (c) => {
				expect(isValidCode(c)).toBe(true);
				for (let i = 0; i < CODE_LENGTH; i++)
					for (const other of ALPHABET) if (other !== c[i]) expect(isValidCode(c.slice(0, i) + other + c.slice(i + 1))).toBe(false);
			}),
			{ numRuns: 300 }
		);
	});

	it('catch every swap of two adjacent different characters (check character included)', () => {
		fc.assert(
			fc.property(code, (c) => {
				for (let i = 0; i + 1 < CODE_LENGTH; i++) if (c[i] !== c[i + 1]) expect(isValidCode(c.slice(0, i) + c[i + 1] + c[i] + c.slice(i + 2))).toBe(false);
			}),
			{ numRuns: 1000 }
		);
	});

	it('read what people type: lower case, dashes, spaces, O for 0, I or L for 1, a scanned link', () => {
		const c = newCode();
		expect(parseCode(formatCode(c).toLowerCase())).toEqual({ ok: true, code: c });
		expect(parseCode(` ${formatCode(c).replace(/-/g, ' ')} `)).toEqual({ ok: true, code: c });
		expect(parseCode(`https://maillage.example/pass/${c}`)).toEqual({ ok: true, code: c });
		const zeros = '0'.repeat(13);
		const withZeros = zeros + checkCharacter(zeros);
		expect(parseCode(withZeros.replace(/0/g, 'O'))).toEqual({ ok: true, code: withZeros });
		const ones = '1'.repeat(13);
		expect(parseCode((ones + checkCharacter(ones)).replace(/1/g, 'l'))).toEqual({ ok: true, code: ones + checkCharacter(ones) });
	});

	it('say in French what is wrong', () => {
		const c = newCode();
		expect(parseCode('')).toMatchObject({ ok: false, reason: 'empty' });
		expect(parseCode(c.slice(0, 10))).toMatchObject({ ok: false, reason: 'length', message: expect.stringContaining('vous en avez saisi 10') });
		expect(parseCode(c.slice(0, 13) + 'U')).toMatchObject({ ok: false, reason: 'characters', message: expect.stringContaining('« U »') });
		const typo = c.slice(0, 3) + (c[3] === 'A' ? 'B' : 'A') + c.slice(4);
		expect(parseCode(typo)).toMatchObject({ ok: false, reason: 'check', message: expect.stringContaining('erreur de saisie') });
	});

	it('are shown in groups of four and spelt out for screen readers', () => {
		expect(formatCode('7K2M9QXD4RTV8N')).toBe('7K2M-9QXD-4RTV-8N');
		expect(spokenCode('7K2M9QXD4RTV8N')).toBe('7 K 2 M, 9 Q X D, 4 R T V, 8 N');
	});
});
