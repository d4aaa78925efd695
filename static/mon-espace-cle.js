// Passkeys in Mon espace (issue 15): an enhancement of the sign-in and security pages.
// Without JavaScript, or on a browser without passkeys, the sections stay hidden and the
// other ways in (a code by SMS or e-mail, the recovery sheet) do everything. An external
// module, because the CSP allows scripts from 'self' only; it uses @simplewebauthn/browser
// (/vendor/webauthn.js, the global SimpleWebAuthnBrowser).
const lib = /** @type {any} */ (window).SimpleWebAuthnBrowser;

/** Asks the server for a challenge, lets the phone answer, and posts the answer with the section's form. */
function enhance(section, optionsUrl, ask) {
	const form = section.querySelector('form[data-cle-form]');
	const status = section.querySelector('[data-cle-statut]');
	if (!form) return;
	section.hidden = false;
	form.addEventListener('submit', async (event) => {
		if (form.dataset.ready === '1') return; // the answer is in: let the form go
		event.preventDefault();
		if (status) status.textContent = 'Suivez les instructions de votre téléphone ou de votre ordinateur.';
		try {
			const r = await fetch(optionsUrl, { method: 'POST', headers: { accept: 'application/json' } });
			const options = await r.json();
			if (!r.ok) throw new Error(options.error || 'refus');
			const answer = await ask({ optionsJSON: options });
			form.querySelector('input[name="reponse"]').value = JSON.stringify(answer);
			form.dataset.ready = '1';
			form.requestSubmit();
		} catch (e) {
			if (status)
				status.textContent =
					e && e.name === 'NotAllowedError'
						? 'C’est annulé. Vous pouvez réessayer, ou entrer avec un code.'
						: 'La clé d’accès n’a pas marché. Réessayez, ou entrez avec un code.';
		}
	});
}

if (lib && lib.browserSupportsWebAuthn()) {
	const signIn = document.querySelector('[data-cle-connexion]');
	if (signIn) enhance(signIn, '/mon-espace/connexion/cle', (o) => lib.startAuthentication(o));
	const add = document.querySelector('[data-cle-ajout]');
	if (add) enhance(add, '/mon-espace/securite/cle', (o) => lib.startRegistration(o));
}
