/**
 * Runs one of poppler's tools (pdfinfo, pdftoppm) on a PDF given on its standard input:
 * the file never lands on disk in clear, the parsing of an untrusted file happens in another
 * process (a crash or a loop there does not take the server down), and a time limit ends it.
 */
import { spawn } from 'node:child_process';
import { PDF_TOOL_TIMEOUT_MS } from './limits';

export interface ToolResult {
	/** the exit code, or null when the tool was stopped (time limit, signal) */
	code: number | null;
	stdout: Buffer;
	stderr: string;
	timedOut: boolean;
}

/** The tool is not installed (poppler-utils missing). */
export class ToolMissing extends Error {
	constructor(readonly tool: string) {
		super(`${tool} is not installed (poppler-utils)`);
	}
}

/** what a tool may print before it is stopped: a thumbnail, or pdfinfo's few lines */
const MAX_OUTPUT = 16 * 1024 * 1024;

export function runTool(tool: string, args: string[], input: Buffer, timeoutMs = PDF_TOOL_TIMEOUT_MS): Promise<ToolResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } });
		const out: Buffer[] = [];
		let outBytes = 0;
		let err = '';
		let timedOut = false;
		let settled = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', (e: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			if (settled) return;
			settled = true;
			reject(e.code === 'ENOENT' ? new ToolMissing(tool) : e);
		});
		child.stdout.on('data', (chunk: Buffer) => {
			outBytes += chunk.length;
			if (outBytes > MAX_OUTPUT) child.kill('SIGKILL');
			else out.push(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			if (err.length < 8192) err += chunk.toString('latin1');
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			if (settled) return;
			settled = true;
			resolve({ code, stdout: Buffer.concat(out), stderr: err, timedOut });
		});
		// the tool may stop reading early (an error in the first bytes): not our failure
		child.stdin.on('error', () => {});
		child.stdin.end(input);
	});
}
