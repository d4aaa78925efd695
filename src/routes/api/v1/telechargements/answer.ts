import { getDatabase } from '#lib/server/db/client.ts';
import { describeDownload, downloadStream, STANDARD_SCHEMA_URL, type DownloadKind } from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { conditionalAnswer, validatorHeaders } from '#lib/server/web/conditional.ts';

/** An hour fresh, then checked again before use: the files change with imports and edits, and a check costs one aggregate. */
const CACHE = 'public, max-age=3600, must-revalidate';

/**
 * A full download (places/downloads.ts): the file streamed under its dated name, or 304 when
 * the client's copy is current.
 */
export async function downloadAnswer(kind: DownloadKind, request: Request): Promise<Response> {
	try {
		const db = await getDatabase();
		const d = await describeDownload(db, kind);
		const headers: Record<string, string> = {
			'content-type': d.mediaType,
			'content-disposition': `attachment; filename="${d.fileName}"`,
			'cache-control': CACHE,
			vary: 'Accept-Encoding',
			...validatorHeaders(d)
		};
		if (kind === 'csv') headers.link = `<${STANDARD_SCHEMA_URL}>; rel="describedby"; type="application/json"`;
		return conditionalAnswer(request, headers, () => downloadStream(db, d));
	} catch (e) {
		return apiError(e);
	}
}
