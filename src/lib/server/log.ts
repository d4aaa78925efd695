/** Structured logs: one JSON object per line on stdout/stderr, never personal data. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const min = order[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? 20;

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
	if (order[level] < min) return;
	const safe: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(fields)) safe[k] = typeof v === 'string' ? redact(v) : v instanceof Error ? describeError(v) : v;
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg: redact(msg), ...safe });
	if (level === 'error' || level === 'warn') process.stderr.write(line + '\n');
	else process.stdout.write(line + '\n');
}

/**
 * Removes what a database error carries of the data it was given (issue 11, finding 10):
 * Drizzle's "Failed query: … params: …" (the record, health note included), the driver's
 * `detail` ("Key (email)=(…) already exists") and the value quoted in messages such as
 * `invalid input syntax for type uuid: "…"`. The SQL text keeps its placeholders only.
 */
export function redact(text: string): string {
	return text
		.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/g, '\nparams: [redacted]')
		.replace(
			/((?:invalid input (?:syntax|value) for (?:type|enum) [^:\n]+|invalid byte sequence for encoding [^:\n]+|value too long for type [^:\n]+)): [^\n]*/g,
			'$1: [redacted]'
		)
		.replace(/\bKey \([^)]*\)=\([\s\S]*?\)(?= already exists| is not present| conflicts|\.|$)/g, 'Key [redacted]');
}

/** An error as the logs may show it: its name, database code, redacted message and call stack. */
export function describeError(e: unknown): Record<string, unknown> {
	if (!(e instanceof Error)) return { message: redact(String(e)).slice(0, 500) };
	const cause = (e as { cause?: unknown }).cause;
	const code = (e as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
	const frames = (e.stack ?? '')
		.split('\n')
		.filter((l) => /^\s+at /.test(l))
		.slice(0, 12)
		.join('\n');
	return {
		name: e.name,
		...(typeof code === 'string' ? { code } : {}),
		message: redact(e.message.split('\nparams: ')[0]).slice(0, 2000),
		...(cause instanceof Error ? { cause: redact(cause.message).slice(0, 500) } : {}),
		stack: frames
	};
}
