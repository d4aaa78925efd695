/**
 * The attestation of a mandate (issue 15, item 8), handed to the person: who acts for whom,
 * on which themes, for how long, how it was confirmed, given by a legal representative if
 * so, the digest of what was signed (SHA-256 of its canonical JSON), the law, and a QR code
 * to the public page /mandat/<token> that says whether it is still valid and lets whoever
 * holds this paper end it.
 */
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { attestationData, digestLines, untilWords, MANDATE_METHODS, REPRESENTATIVE_KINDS, type MandateContent } from '../mandates/index.ts';
import { PdfWriter } from './pdf.ts';
import { frenchDateTime } from './pdf-text.ts';
import { mm } from './pdf-layout.ts';
import { qrPng, QR_WIDTH_MM } from './referral-sheet.ts';

export interface MandateAttestationData {
	instanceName: string;
	content: MandateContent;
	digest: string;
	/** the public check's address, in the QR code */
	link: string;
}

const durationKey = (label: string) => (label === '1 jour' ? '1d' : 'months');

export async function mandateAttestationPdf(data: MandateAttestationData): Promise<Buffer> {
	const c = data.content;
	const until = new Date(c.validUntil);
	const w = new PdfWriter({
		title: 'Attestation de mandat',
		instanceName: data.instanceName,
		subject: `Mandat donné à ${c.structure.name}`,
		bodySize: 12,
		compact: true,
		footer: `${data.instanceName} · Attestation de mandat`
	});
	w.heading('Attestation de mandat', 1);
	const rep = c.representative;
	w.paragraph(
		rep
			? `${rep.name}, ${(REPRESENTATIVE_KINDS[rep.kind] ?? rep.kind).toLowerCase()} de ${c.person}, autorise ${c.structure.name} à faire pour ${c.person} les démarches des domaines ci-dessous.`
			: `${c.person} autorise ${c.structure.name} à faire pour elle ou lui les démarches des domaines ci-dessous.`
	);
	w.heading('Les domaines', 2);
	w.bullets(c.themes);
	w.heading('La durée', 2);
	w.keyValues([
		['Durée', c.duration],
		['Depuis le', frenchDateTime(new Date(c.validFrom))],
		['Jusqu’au', untilWords(durationKey(c.duration), until, { nbsp: false }).replace(/^jusqu’au /, '')],
		['Confirmé', MANDATE_METHODS[c.method] ?? c.method],
		...(rep ? ([['Donné par', `${rep.name}, représentant légal (${REPRESENTATIVE_KINDS[rep.kind] ?? rep.kind})`]] as const) : [])
	]);
	w.heading('Arrêter le mandat', 2);
	w.paragraph(
		'Vous pouvez arrêter ce mandat quand vous voulez, pour un domaine ou pour tout\u00a0: dans Mon espace, auprès de la structure, ou avec le code ci-dessous.'
	);
	const qr = await qrPng(data.link);
	w.imageBeside(qr, { width: mm(QR_WIDTH_MM), alt: 'Code QR\u00a0: il ouvre la page qui dit si ce mandat est en cours.' }, [
		{ text: 'Pour savoir si ce mandat est en cours, ou pour l’arrêter, scannez ce code ou allez sur\u00a0:' },
		{ text: data.link, link: data.link, bold: true },
		{ text: 'Cette page ne montre ni nom ni domaine. Gardez cette feuille\u00a0: qui l’a peut arrêter le mandat.' }
	]);
	w.heading('Ce que dit la loi', 2);
	w.paragraph(c.law);
	w.paragraph('La structure note chaque démarche faite pour vous. Vous les voyez dans Mon espace.');
	w.heading('Empreinte du mandat', 2);
	w.paragraph('Cette empreinte (SHA-256) prouve le contenu du mandat\u00a0: si un mot changeait, elle changerait.');
	for (const line of digestLines(data.digest)) w.paragraph(line, { after: 0 });
	return w.finish();
}

/** The attestation of a signed mandate, for a helper of its structure (journaled as a print). */
export async function mandateAttestation(
	database: Database,
	actor: Actor,
	mandateId: string,
	links: { origin: string; instanceName: string },
	ip?: string | null
): Promise<Buffer | null> {
	const d = await attestationData(database, actor, mandateId, links.origin);
	if (!d) return null;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'mandate.attestation_printed',
		targetType: 'beneficiary',
		targetId: d.beneficiaryId,
		departmentCode: d.departmentCode,
		ip,
		details: { mandateId }
	});
	return mandateAttestationPdf({ instanceName: links.instanceName, content: d.content, digest: d.digest, link: d.link });
}
