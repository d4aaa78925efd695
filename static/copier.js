// "Copier le lien": an optional enhancement of every link the professional pages show
// (invitations to pass on by hand…). Without JavaScript the link is plain text to select;
// with it, each CopyLink's button appears and puts the link in the clipboard. An external
// module, because the CSP allows scripts from 'self' only.

for (const button of document.querySelectorAll('button[data-copier]')) {
	const target = document.getElementById(button.getAttribute('data-copier') ?? '');
	const status = document.getElementById(`${button.getAttribute('data-copier')}-statut`);
	if (!target) continue;
	button.hidden = false;
	button.addEventListener('click', async () => {
		const text = (target.textContent ?? '').trim();
		try {
			await navigator.clipboard.writeText(text);
			if (status) status.textContent = 'Lien copié.';
		} catch {
			// no clipboard (an older browser, a page not served over HTTPS): select it for Ctrl+C
			const range = document.createRange();
			range.selectNodeContents(target);
			const selection = window.getSelection();
			selection?.removeAllRanges();
			selection?.addRange(range);
			if (status) status.textContent = 'Le lien est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).';
		}
	});
}
