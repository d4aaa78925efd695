// Position of a place on a map (coordinators' place page): an optional enhancement of the
// latitude and longitude fields, which always work without it. Clicking the map or
// dragging the marker fills the fields; typing in the fields moves the marker. Leaflet is
// served from our own origin (/vendor/leaflet/…), as for the directory's map (carte.js).

import { LEAFLET, loadCss, loadScript, statusLine } from './leaflet-loader.js';

const container = document.getElementById('carte-position');
const status = document.getElementById('carte-position-etat');
const lat = /** @type {HTMLInputElement | null} */ (document.getElementById('lieu-latitude'));
const lng = /** @type {HTMLInputElement | null} */ (document.getElementById('lieu-longitude'));

const say = statusLine(status);

/** @param {string} v */
const num = (v) => Number(String(v).trim().replace(',', '.'));

async function init() {
	if (!container || !lat || !lng) return;
	await Promise.all([loadCss(LEAFLET + 'leaflet.css'), loadScript(LEAFLET + 'leaflet.js')]);
	const L = /** @type {any} */ (window).L;
	if (!L) throw new Error('Leaflet absent');
	container.hidden = false;
	container.setAttribute('role', 'region');
	container.setAttribute('aria-label', 'Carte : cliquez pour placer le lieu, ou déplacez le repère');
	const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
	const map = L.map(container, { zoomControl: false, scrollWheelZoom: false, zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm });
	L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
	map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
	const tiles = L.tileLayer(container.dataset.tiles, { attribution: container.dataset.attribution ?? '', maxZoom: 19 });
	let tileError = false;
	tiles.on('tileerror', () => {
		if (tileError) return;
		tileError = true;
		say('Le fond de carte n’a pas pu être chargé. Saisissez la latitude et la longitude.');
	});
	tiles.addTo(map);
	const start = [num(lat.value), num(lng.value)];
	const known = Number.isFinite(start[0]) && Number.isFinite(start[1]) && lat.value.trim() !== '' && lng.value.trim() !== '';
	const marker = L.marker(known ? start : [44.35, 0.5], { draggable: true, keyboard: true, alt: container.dataset.name ?? 'Lieu', title: container.dataset.name ?? 'Lieu' }).addTo(map);
	map.setView(marker.getLatLng(), known ? 17 : 9);
	/** @param {{ lat: number, lng: number }} p */
	const fill = (p) => {
		lat.value = p.lat.toFixed(6);
		lng.value = p.lng.toFixed(6);
		if (status) {
			status.className = 'map-status';
			status.textContent = `Position choisie : ${lat.value.replace('.', ',')}, ${lng.value.replace('.', ',')}. Enregistrez pour la garder.`;
		}
	};
	marker.on('dragend', () => fill(marker.getLatLng()));
	map.on('click', (/** @type {any} */ e) => {
		marker.setLatLng(e.latlng);
		fill(e.latlng);
	});
	const follow = () => {
		const a = num(lat.value);
		const b = num(lng.value);
		if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
			marker.setLatLng([a, b]);
			map.panTo([a, b]);
		}
	};
	lat.addEventListener('change', follow);
	lng.addEventListener('change', follow);
	container.dataset.ready = '1';
}

init().catch((err) => {
	console.error(err);
	if (container) container.hidden = true;
	say('La carte n’a pas pu être affichée. Saisissez la latitude et la longitude.');
});
