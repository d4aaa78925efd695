#!/usr/bin/env node
/**
 * French typography in the source (issue 12, item 15): « : », « ; », « ? », « ! » follow a
 * non-breaking space, "(" follows a space. Looks only at what users read: the text and
 * attribute values of Svelte markup, and string literals in TypeScript (Svelte scripts,
 * src/lib, e2e and tests, so that expectations follow the messages), never at code,
 * SQL templates, CSS or regular expressions.
 *
 *   node scripts/typography.mjs          lists the faults, exits 1 if any (run by lint)
 *   node scripts/typography.mjs --write  fixes them (markup gets &nbsp;, strings \u00a0)
 *
 * A French elision takes a curly apostrophe: « l’adresse », not « l'adresse » (not in tests,
 * whose literals copy outside data as it is written, nor on a line marked "typography: gsm":
 * an SMS text, where ’ would make it UCS-2).
 *
 * A line of TypeScript ending with the comment "typography: ignore" is left alone; a file
 * holding "typography: ignore-file" too (tests reading PDFs back: pdftotext gives spaces).
 *
 * The browser suite scans the rendered pages too (e2e/typography.spec.ts): data and
 * composed strings are caught there.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'svelte/compiler';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const write = process.argv.includes('--write');

/** a letter, digit or closing sign, an ordinary space, then high punctuation ending a phrase */
const SPACE_PUNCT = /([\p{L}\p{N}»)’'"%€*.]) ([:;?!])(?=[\s"'`<]|$)/gu;
/** the same at the very start of a text that follows an expression: "{n} :" */
const LEADING = /^ ([:;?!])(?=[\s"'`<]|$)/u;
/** a straight apostrophe after an elided word, before a letter: « l'adresse », « qu'il » */
const ELISION = /(?<![\p{L}\\])((?:[LlDdNnSsJjCcMmTt]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu))'(?=\p{L})/gu;

/**
 * Not scanned: the readers of outside data and their vocabularies, whose strings are the
 * sources' own values ("Gratuit : Je peux accéder…"), matched as the files write them; the
 * SMS module, whose texts and alphabets are GSM-7 (no non-breaking space there).
 */
const DATA = /[\\/]places[\\/](sources[\\/]|vocabulary(-v0)?\.ts$)|[\\/]sms[\\/]/;

function files(dir, acc = []) {
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		if (e.isDirectory()) {
			if (!['node_modules', 'vendor', '.svelte-kit', 'build', 'cli'].includes(e.name)) files(p, acc);
		} else if (/\.(svelte|ts)$/.test(e.name) && !/\.d\.ts$/.test(e.name) && !DATA.test(p)) acc.push(p);
	}
	return acc;
}

/** replacements [start, end, text] in a TypeScript source, for its user-facing literals */
function tsEdits(code, offset, fileName) {
	const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const edits = [];
	const visit = (node) => {
		if (ts.isTaggedTemplateExpression(node) && /^(sql|raw)/.test(node.tag.getText(sf))) return; // SQL
		if (ts.isCallExpression(node) && /^(console\.|log\.|logger\.|this\.log|debug)/.test(node.expression.getText(sf))) return; // logs: English
		if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
		if (
			ts.isStringLiteral(node) ||
			ts.isNoSubstitutionTemplateLiteral(node) ||
			ts.isTemplateHead(node) ||
			ts.isTemplateMiddle(node) ||
			ts.isTemplateTail(node)
		) {
			const start = node.getStart(sf);
			const raw = code.slice(start, node.getEnd());
			// a line may say it is not French text: "// typography: ignore"
			const lineEnd = code.indexOf('\n', node.getEnd());
			if (/typography: ignore/.test(code.slice(code.lastIndexOf('\n', start) + 1, lineEnd < 0 ? undefined : lineEnd))) return;
			let fixed = raw.replace(SPACE_PUNCT, '$1\\u00a0$2');
			const line = code.slice(code.lastIndexOf('\n', start) + 1, lineEnd < 0 ? undefined : lineEnd);
			if (!/\.test\.ts$/.test(fileName) && !/typography: gsm/.test(line)) fixed = fixed.replace(ELISION, '$1’');
			// "${n} :" — the literal part starts right after the expression
			if (ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) fixed = fixed.replace(/^\} ([:;?!])(?=[\s`]|$)/u, '}\\u00a0$1');
			if (fixed !== raw) edits.push([offset + start, offset + node.getEnd(), fixed]);
			return;
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return edits;
}

function svelteEdits(code, fileName) {
	const ast = parse(code, { modern: true });
	const edits = [];
	const walk = (node, prev) => {
		if (!node || typeof node !== 'object') return;
		if (Array.isArray(node)) {
			node.forEach((n, i) => walk(n, i > 0 ? node[i - 1] : null));
			return;
		}
		if (node.type === 'Text' && typeof node.start === 'number') {
			const raw = code.slice(node.start, node.end);
			let fixed = raw.replace(SPACE_PUNCT, '$1&nbsp;$2').replace(ELISION, '$1’');
			// "{n} :" or "<a>Relevés</a> : …": the text starts right after an expression or an element
			if (!prev || (prev.type !== 'Text' && prev.type !== 'Comment')) fixed = fixed.replace(LEADING, '&nbsp;$1');
			if (fixed !== raw) edits.push([node.start, node.end, fixed]);
			return;
		}
		if (node.type === 'Script' || node.type === 'StyleSheet') return;
		if (node.type === 'ExpressionTag' && node.expression && typeof node.expression.start === 'number') {
			// the strings written inside markup: hint={ou ? undefined : 'Par exemple : Agen'}
			const { start, end } = node.expression;
			const wrapped = `(${code.slice(start, end)})`;
			edits.push(...tsEdits(wrapped, start - 1, fileName).map(([s, e, t]) => [s, e, t]));
			return;
		}
		for (const [k, v] of Object.entries(node)) {
			if (k === 'parent' || k === 'metadata') continue;
			if (v && typeof v === 'object') walk(v, null);
		}
	};
	walk(ast.fragment, null);
	for (const script of [ast.instance, ast.module].filter(Boolean)) {
		const start = script.content.start;
		const end = script.content.end;
		edits.push(...tsEdits(code.slice(start, end), start, fileName));
	}
	return edits;
}

let faults = 0;
// the CLI speaks English (src/cli, bin): not scanned
const dirs = ['src', 'e2e', 'test'].map((d) => join(root, d));
for (const file of dirs.flatMap((d) => {
	try {
		return files(d);
	} catch {
		return [];
	}
})) {
	const code = readFileSync(file, 'utf8');
	if (code.includes('typography: ignore-file')) continue;
	let edits;
	try {
		edits = file.endsWith('.svelte') ? svelteEdits(code, file) : tsEdits(code, 0, file);
	} catch (e) {
		console.error(`${relative(root, file)}: cannot parse (${e.message})`);
		process.exitCode = 2;
		continue;
	}
	if (edits.length === 0) continue;
	faults += edits.length;
	if (write) {
		let out = code;
		for (const [s, e, t] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + t + out.slice(e);
		writeFileSync(file, out);
	} else {
		for (const [s, , t] of edits) {
			const line = code.slice(0, s).split('\n').length;
			console.log(`${relative(root, file)}:${line}: ${t.slice(0, 100).replace(/\s+/g, ' ')}`);
		}
	}
}
if (write) console.log(`typography: fixed ${faults} literal(s)`);
else if (faults > 0) {
	console.log(`typography: ${faults} literal(s) need a non-breaking space before : ; ? ! or a curly apostrophe (node scripts/typography.mjs --write)`);
	process.exitCode = 1;
} else console.log('typography: ok');
