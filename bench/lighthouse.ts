/** Lighthouse (mobile preset, the default) against a page, in Debian's Chromium. */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

/** `extraHeaders`: sent with every request (a session cookie, for a page behind sign-in). */
export async function lighthouseScores(url: string, extraHeaders?: Record<string, string>) {
	const chrome = await chromeLauncher.launch({
		chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		chromeFlags: [
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
	try {
		const r = await lighthouse(url, {
			port: chrome.port,
			output: 'json',
			...(extraHeaders ? { extraHeaders } : {}),
			logLevel: 'error',
			onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']
		});
		const c = r!.lhr.categories;
		const a = r!.lhr.audits;
		return {
			performance: Math.round((c.performance.score ?? 0) * 100),
			accessibility: Math.round((c.accessibility.score ?? 0) * 100),
			bestPractices: Math.round((c['best-practices'].score ?? 0) * 100),
			seo: Math.round((c.seo.score ?? 0) * 100),
			fcpMs: Math.round(Number(a['first-contentful-paint'].numericValue)),
			lcpMs: Math.round(Number(a['largest-contentful-paint'].numericValue)),
			tbtMs: Math.round(Number(a['total-blocking-time'].numericValue)),
			cls: Number(a['cumulative-layout-shift'].numericValue)
		};
	} finally {
		await chrome.kill();
	}
}
