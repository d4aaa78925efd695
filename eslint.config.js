// ESLint: typescript-eslint and eslint-plugin-svelte, with Prettier deciding the layout.
// Run by `npm run lint` and by .ci/run (an error fails CI).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'migrations/', 'test-results/', 'playwright-report/', 'static/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		rules: {
			// French typography puts no-break spaces (U+00A0, U+202F) in user text, markup included
			'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true, skipJSXText: true }],
			// an argument or a binding that is there for its position, or to leave it out of a spread, starts with _
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }
			],
			// the site has no base path: links are plain absolute paths, which resolve() would leave as they are
			'svelte/no-navigation-without-resolve': 'off',
			// {' '} beside a block is a space that formatting must not remove
			'svelte/no-useless-mustaches': 'off',
			// control characters are matched on purpose: CSV formulas, file names, user input cleaned of them
			'no-control-regex': 'off',
			// a whole file out of type checking says why (the test doubles in e2e/)
			'@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': 'allow-with-description' }]
		}
	},
	{
		// tests read loosely typed answers (JSON documents, handler events)
		files: ['**/*.test.ts', 'test/**', 'e2e/**', 'bench/**'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { extraFileExtensions: ['.svelte'], parser: ts.parser } },
		// markup text is French with its no-break spaces; scripts/typography.mjs checks them
		rules: { 'no-irregular-whitespace': 'off' }
	}
);
