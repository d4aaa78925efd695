// Module hooks for bench/vault-upload.ts's plain runs: the vault's imports of
// store/cipher.ts get bench/plain-cipher.ts instead (bench/ itself keeps the real one).
const plain = new URL('./plain-cipher.ts', import.meta.url).href;

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
	if (/\/store\/cipher\.ts$/.test(specifier) && context.parentURL && !context.parentURL.includes('/bench/')) return { url: plain, shortCircuit: true };
	return next(specifier, context);
}
