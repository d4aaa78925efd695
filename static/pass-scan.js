// Scanning a Pass Numérique's QR code with the phone's camera: an optional enhancement of
// /espace/pass/encaisser. Typing the code always works; this module only shows its button
// when the browser can decode QR codes itself (BarcodeDetector) and open the camera
// (getUserMedia). An external module, because the CSP allows scripts from 'self' only.
// The QR code holds a link (…/pass/7K2M9QXD4RTV8N): the code is taken from it, put in
// the field, and the check is submitted as if typed.

const zone = document.getElementById('pass-scan');
const form = /** @type {HTMLFormElement | null} */ (document.getElementById('pass-verifier'));
const input = /** @type {HTMLInputElement | null} */ (document.getElementById('pass-code'));
const open = document.getElementById('pass-scan-open');
const start = document.getElementById('pass-scan-start');
const stopButton = document.getElementById('pass-scan-stop');
const camera = document.getElementById('pass-scan-camera');
const video = /** @type {HTMLVideoElement | null} */ (document.getElementById('pass-scan-video'));
const status = document.getElementById('pass-scan-status');

/** @param {string} message */
function say(message) {
	if (status) status.textContent = message;
}

/**
 * The code in what a QR code holds: a link ending in /pass/CODE, or a bare code.
 * @param {string} text
 * @returns {string | null}
 */
function codeFrom(text) {
	const s = String(text ?? '').trim();
	const link = /\/pass\/([0-9A-Za-z][0-9A-Za-z-]{12,20})\/?(?:[?#].*)?$/.exec(s);
	if (link) return link[1];
	return /^[0-9A-Za-z][0-9A-Za-z -]{12,20}$/.test(s) ? s : null;
}

async function supported() {
	if (!zone || !form || !input || !open || !start || !stopButton || !camera || !video) return false;
	if (!('BarcodeDetector' in window) || !navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return false;
	try {
		// @ts-ignore BarcodeDetector is not in every DOM typing
		const formats = await window.BarcodeDetector.getSupportedFormats();
		return Array.isArray(formats) && formats.includes('qr_code');
	} catch {
		return false;
	}
}

/** @type {MediaStream | null} */
let stream = null;
let timer = 0;
/** @type {any} */
let detector = null;

function stop() {
	clearTimeout(timer);
	if (stream) for (const t of stream.getTracks()) t.stop();
	stream = null;
	if (video) video.srcObject = null;
	if (camera) camera.hidden = true;
	if (open) open.hidden = false;
}

async function tick() {
	if (!stream || !video) return;
	try {
		if (video.readyState >= 2) {
			const found = await detector.detect(video);
			for (const barcode of found) {
				const code = codeFrom(barcode.rawValue);
				if (code && input && form) {
					stop();
					input.value = code;
					say('QR code lu. Vérification du pass…');
					form.requestSubmit();
					return;
				}
			}
			if (found.length) say('Ce QR code n’est pas celui d’un Pass Numérique. Essayez un autre, ou saisissez le code.');
		}
	} catch {
		/* a frame that cannot be read: the next one will */
	}
	timer = window.setTimeout(tick, 200);
}

async function begin() {
	if (!video || !camera || !open) return;
	say('Ouverture de la caméra…');
	try {
		stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
	} catch (e) {
		const denied = e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
		say(denied ? 'La caméra n’est pas autorisée pour ce site. Saisissez le code à la main.' : 'La caméra n’a pas pu s’ouvrir. Saisissez le code à la main.');
		return;
	}
	// @ts-ignore see above
	if (!detector) detector = new window.BarcodeDetector({ formats: ['qr_code'] });
	video.srcObject = stream;
	open.hidden = true;
	camera.hidden = false;
	await video.play().catch(() => undefined);
	say('Placez le QR code du pass devant la caméra.');
	stopButton?.focus();
	tick();
}

supported().then((ok) => {
	if (!ok) return;
	start?.addEventListener('click', begin);
	stopButton?.addEventListener('click', () => {
		stop();
		say('Scan annulé. Vous pouvez saisir le code.');
		start?.focus();
	});
	window.addEventListener('pagehide', stop);
	if (zone) zone.hidden = false;
});
