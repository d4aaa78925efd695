import type { RequestHandler } from './$types';
import { loadInstance } from '#lib/components/instance.server.ts';
import { themeCss } from '#lib/components/theme.ts';

/**
 * The Département's colours as CSS custom properties. A stylesheet from our own origin,
 * because the CSP (style-src 'self') blocks inline <style> and style attributes.
 */
export const GET: RequestHandler = async ({ url }) => {
	const instance = await loadInstance();
	const versioned = url.searchParams.get('v') === instance.themeVersion;
	return new Response(themeCss(instance), {
		headers: {
			'content-type': 'text/css; charset=utf-8',
			'cache-control': versioned ? 'public, max-age=86400' : 'public, max-age=300',
			'x-content-type-options': 'nosniff'
		}
	});
};
