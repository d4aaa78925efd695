/**
 * The equipment channel's actions in French (issue 18): donors and lots recorded, the steps
 * of a device's refurbishing, its reservation for a request, its handover and return. The
 * details carry a device's type, a lot's reference, a request's short reference: never the
 * person's name. Part of ACTIONS (sentences.ts).
 */
import {
	DEVICE_TYPES,
	ELIGIBILITY_KINDS,
	NEEDS,
	RETURN_REASONS,
	type DeviceType,
	type EligibilityKind,
	type Need,
	type ReturnReason
} from '../equipment/index.ts';
import type { ActionText } from './sentences.ts';
import { num, str } from './words.ts';

const device = (d: Record<string, unknown>) =>
	typeof d.type === 'string' && d.type in DEVICE_TYPES ? `un appareil (${DEVICE_TYPES[d.type as DeviceType].toLowerCase()})` : 'un appareil';
const request = (d: Record<string, unknown>) => (typeof d.reference === 'string' ? ` pour la demande ${d.reference}` : '');

export const EQUIPMENT_ACTIONS: Record<string, ActionText> = {
	'equipment.donor.created': { label: 'Donateur de matériel enregistré', say: (f) => `${f.actor} a enregistré le donateur « ${str(f.d.name)} »` },
	'equipment.donor.updated': {
		label: 'Donateur de matériel corrigé',
		say: (f) => `${f.actor} a corrigé le donateur « ${str(f.d.name)} »${typeof f.d.previousName === 'string' ? ` (auparavant « ${f.d.previousName} »)` : ''}`
	},
	'equipment.lot.corrected': {
		label: 'Lot de matériel corrigé',
		say: (f) =>
			`${f.actor} a corrigé le lot ${str(f.d.reference)} (${num(f.d.changed)} appareil(s) corrigé(s), ${num(f.d.removed)} retiré(s), ${num(f.d.added)} ajouté(s))`
	},
	'equipment.settings.eligibility': {
		label: 'Justificatifs du matériel choisis',
		say: (f) =>
			`${f.actor} a choisi les justificatifs retenus pour demander un appareil${
				Array.isArray(f.d.after)
					? `\u00a0: ${f.d.after
							.filter((k): k is EligibilityKind => typeof k === 'string' && k in ELIGIBILITY_KINDS)
							.map((k) => ELIGIBILITY_KINDS[k].toLowerCase())
							.join(', ')}`
					: ''
			}`
	},
	'equipment.requests.unlinked_after_retention': {
		label: 'Demandes d’appareil détachées des personnes',
		say: (f) => `${f.actor} a détaché ${num(f.d.requests)} demande(s) d’appareil de leur personne, ${num(f.d.months)} mois après leur fin`
	},
	'equipment.donor.stock_declared': {
		label: 'Stock réformé déclaré',
		say: (f) => `${f.actor} a déclaré ${num(f.d.retiredInStock)} appareils réformés au 1er janvier ${str(f.d.year)} pour « ${str(f.d.name)} »`
	},
	'equipment.lot.received': {
		label: 'Lot de matériel reçu',
		say: (f) => `${f.actor} a enregistré le lot ${str(f.d.reference)} de « ${str(f.d.donor)} » (${num(f.d.devices)} appareils)`
	},
	'equipment.device.refurbishing': { label: 'Reconditionnement commencé', say: (f) => `${f.actor} a commencé le reconditionnement d’${device(f.d)}` },
	'equipment.device.tested': {
		label: 'Appareil testé',
		say: (f) => `${f.actor} a testé ${device(f.d)}${f.d.passed === true ? ' (tests réussis)' : f.d.passed === false ? ' (tests en échec)' : ''}`
	},
	'equipment.device.erased': { label: 'Données effacées', say: (f) => `${f.actor} a enregistré le rapport d’effacement des données d’${device(f.d)}` },
	'equipment.device.specified': { label: 'Fiche d’appareil remplie', say: (f) => `${f.actor} a rempli la fiche d’${device(f.d)}` },
	'equipment.device.offered': { label: 'Appareil proposé', say: (f) => `${f.actor} a proposé ${device(f.d)}` },
	'equipment.device.withdrawn': { label: 'Appareil retiré de l’offre', say: (f) => `${f.actor} a retiré de l’offre ${device(f.d)}` },
	'equipment.device.recycled': { label: 'Appareil recyclé', say: (f) => `${f.actor} a envoyé au recyclage ${device(f.d)}` },
	'equipment.request.created': {
		label: 'Demande d’appareil',
		say: (f) =>
			`${f.actor} a demandé un appareil (${typeof f.d.need === 'string' && f.d.need in NEEDS ? NEEDS[f.d.need as Need].toLowerCase() : 'matériel'}) pour ${f.person}`
	},
	'equipment.device.reserved': { label: 'Appareil réservé', say: (f) => `${f.actor} a réservé un appareil${request(f.d)}` },
	'equipment.reservation.cancelled': { label: 'Réservation annulée', say: (f) => `${f.actor} a annulé la réservation d’un appareil${request(f.d)}` },
	'equipment.device.handed_over': { label: 'Appareil remis', say: (f) => `${f.actor} a remis un appareil${request(f.d)}` },
	'equipment.device.returned': {
		label: 'Appareil retourné',
		say: (f) =>
			`${f.actor} a repris un appareil${request(f.d)}${typeof f.d.reason === 'string' && f.d.reason in RETURN_REASONS ? ` (${RETURN_REASONS[f.d.reason as ReturnReason].toLowerCase()})` : ''}`
	},
	'equipment.accompaniment.recorded': {
		label: 'Accompagnement de prise en main suivi',
		say: (f) => `${f.actor} a noté le suivi de l’accompagnement de prise en main${request(f.d)}`
	}
};
