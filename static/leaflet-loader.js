// Shared by the maps (carte.js: the directory; carte-position.js: a place's position):
// Leaflet is served from our own origin (/vendor/leaflet/…) because the CSP allows scripts
// and styles from 'self' only; a map is an enhancement, its failures said in a status line.

export const LEAFLET = '/vendor/leaflet/';

/** A function that shows a warning in the map's status line (nothing when there is none). @param {HTMLElement | null} status */
export function statusLine(status) {
	/** @param {string} message */
	return (message) => {
		if (!status) return;
		status.className = 'map-status alert alert--warning';
		status.textContent = message;
	};
}

/** @param {string} href */
export function loadCss(href) {
	return new Promise((resolve, reject) => {
		const link = document.createElement('link');
		link.rel = 'stylesheet';
		link.href = href;
		link.onload = () => resolve(undefined);
		link.onerror = () => reject(new Error(`CSS non chargée : ${href}`));
		document.head.append(link);
	});
}

/** @param {string} src */
export function loadScript(src) {
	return new Promise((resolve, reject) => {
		const script = document.createElement('script');
		script.src = src;
		script.onload = () => resolve(undefined);
		script.onerror = () => reject(new Error(`Script non chargé : ${src}`));
		document.head.append(script);
	});
}
