// Map view of /lieux (?vue=carte): an optional enhancement. The list of places stays the
// page; this module only adds a Leaflet map above it. Leaflet is served from our own
// origin (/vendor/leaflet/…) because the CSP allows scripts and styles from 'self' only.

import { LEAFLET, loadCss, loadScript, statusLine } from './leaflet-loader.js';

const TILE_ERROR = 'Le fond de carte n’a pas pu être chargé. Les lieux restent listés ci-dessous.';
const MAP_ERROR = 'La carte n’a pas pu être affichée. Les lieux restent listés ci-dessous.';

const container = document.getElementById('carte');
const status = document.getElementById('carte-etat');

const say = statusLine(status);

/**
 * @typedef {{ id: string, name: string, lat: number, lng: number, address: string, href: string }} MapPlace
 */

/** The places of the list itself (always there, and exactly what the page shows). @returns {MapPlace[]} */
function placesFromList() {
	return [...document.querySelectorAll('#resultats li[data-lat][data-lng]')].flatMap((li) => {
		const link = li.querySelector('h3 a');
		const lat = Number(li.getAttribute('data-lat'));
		const lng = Number(li.getAttribute('data-lng'));
		if (!link || !Number.isFinite(lat) || !Number.isFinite(lng)) return [];
		const address = li.querySelector('p:not(.result__meta)')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
		return [{ id: link.getAttribute('href') ?? '', name: link.textContent?.trim() ?? '', lat, lng, address, href: link.getAttribute('href') ?? '#' }];
	});
}

/** More places from the API (same filters), when it answers. @returns {Promise<MapPlace[]>} */
async function placesFromApi() {
	const api = container?.dataset.api;
	if (!api) return [];
	const retour = container?.dataset.retour;
	const res = await fetch(api, { headers: { accept: 'application/geo+json, application/json' } });
	if (!res.ok) return [];
	const body = await res.json();
	const features = Array.isArray(body?.features) ? body.features : [];
	return features.flatMap((/** @type {any} */ f) => {
		const [lng, lat] = f?.geometry?.coordinates ?? [];
		const p = f?.properties ?? {};
		if (!Number.isFinite(lat) || !Number.isFinite(lng) || !p.id) return [];
		const href = `/lieux/${encodeURIComponent(p.id)}` + (retour ? `?retour=${encodeURIComponent(retour)}` : '');
		const address = [p.adresse, p.commune].filter(Boolean).join(', ');
		return [{ id: String(p.id), name: String(p.nom ?? ''), lat, lng, address, href }];
	});
}

/** @param {MapPlace} place */
function popupContent(place) {
	const div = document.createElement('div');
	const title = document.createElement('p');
	const link = document.createElement('a');
	link.href = place.href;
	link.textContent = place.name;
	title.append(link);
	div.append(title);
	if (place.address) {
		const address = document.createElement('p');
		address.textContent = place.address;
		div.append(address);
	}
	return div;
}

async function init() {
	if (!container) return;
	await Promise.all([loadCss(LEAFLET + 'leaflet.css'), loadScript(LEAFLET + 'leaflet.js')]);
	const L = /** @type {any} */ (window).L;
	if (!L) throw new Error('Leaflet absent');

	document.getElementById('carte-sans-js')?.remove();
	container.hidden = false;
	container.setAttribute('role', 'region');
	container.setAttribute('aria-label', 'Carte interactive des lieux');

	const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
	// no wheel zoom: scrolling the page must not get stuck in the map
	const map = L.map(container, {
		zoomControl: false,
		scrollWheelZoom: false,
		zoomAnimation: !calm,
		fadeAnimation: !calm,
		markerZoomAnimation: !calm
	});
	L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
	map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
	map.on('popupopen', (/** @type {any} */ e) => {
		const close = e.popup.getElement()?.querySelector('.leaflet-popup-close-button');
		close?.setAttribute('aria-label', 'Fermer');
	});

	let tileErrorShown = false;
	const tiles = L.tileLayer(container.dataset.tiles, { attribution: container.dataset.attribution ?? '', maxZoom: 19 });
	tiles.on('tileerror', () => {
		if (tileErrorShown) return;
		tileErrorShown = true;
		say(TILE_ERROR);
	});
	tiles.addTo(map);

	let places = [];
	try {
		places = await placesFromApi();
	} catch {
		places = [];
	}
	if (!places.length) places = placesFromList();

	const markers = places.map((place) =>
		L.marker([place.lat, place.lng], { alt: place.name, title: place.name, keyboard: true }).bindPopup(popupContent(place))
	);
	if (markers.length) {
		const group = L.featureGroup(markers).addTo(map);
		map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 14 });
	} else {
		map.setView([44.2, 0.62], 8);
	}
	container.dataset.markers = String(markers.length);
}

init().catch((err) => {
	console.error(err);
	if (container) container.hidden = true;
	say(MAP_ERROR);
});
