/**
 * Equipping people (issue 18, decision 0020): the vocabularies, the device's lifecycle and
 * its guards, the waiting list's order and the reuse duty of décret 2023-266. Pure: no I/O.
 */
import { z } from 'zod';
import { isValidSiret } from '../../text/identifiers.ts';
import { parisDay, parseDay } from '../../time.ts';

export const DONOR_KINDS = {
	departement: 'Département',
	commune: 'Commune ou intercommunalité',
	public_body: 'Autre organisme public',
	partner: 'Partenaire du réseau',
	company: 'Entreprise',
	other: 'Autre donateur'
} as const;
export type DonorKind = keyof typeof DONOR_KINDS;

export const DEVICE_TYPES = {
	laptop: 'Ordinateur portable',
	desktop: 'Ordinateur fixe',
	tablet: 'Tablette',
	smartphone: 'Smartphone',
	screen: 'Écran',
	other: 'Autre matériel'
} as const;
export type DeviceType = keyof typeof DEVICE_TYPES;

/** What a prescriber may ask for. */
export const NEEDS = {
	laptop: 'Ordinateur portable',
	desktop: 'Ordinateur fixe',
	tablet: 'Tablette',
	smartphone: 'Smartphone'
} as const;
export type Need = keyof typeof NEEDS;

export const DEVICE_STATUSES = {
	received: 'Reçu',
	refurbishing: 'En reconditionnement',
	available: 'Disponible',
	reserved: 'Réservé',
	handed_over: 'Remis',
	returned: 'Retourné',
	recycled: 'Recyclé'
} as const;
export type DeviceStatus = keyof typeof DEVICE_STATUSES;

/** The allowed transitions of a device (decision 0020). */
export const TRANSITIONS: Record<DeviceStatus, readonly DeviceStatus[]> = {
	received: ['refurbishing', 'recycled'],
	refurbishing: ['available', 'recycled'],
	available: ['reserved', 'refurbishing', 'recycled'],
	reserved: ['handed_over', 'available'],
	handed_over: ['returned'],
	returned: ['refurbishing', 'recycled'],
	recycled: []
};

export const REQUEST_STATUSES = {
	waiting: 'En attente',
	reserved: 'Appareil réservé',
	handed_over: 'Appareil remis',
	closed: 'Terminée',
	cancelled: 'Annulée'
} as const;
export type RequestStatus = keyof typeof REQUEST_STATUSES;

/** The eligibility proofs an instance may accept: the kind is recorded, never a copy. */
export const ELIGIBILITY_KINDS = {
	minima_sociaux: 'Bénéficiaire des minima sociaux',
	job_seeker: 'Demandeur d’emploi',
	student: 'Étudiant ou élève',
	quotient: 'Quotient familial',
	reste_a_vivre: 'Reste à vivre'
} as const;
export type EligibilityKind = keyof typeof ELIGIBILITY_KINDS;

export const GRADES = { A: 'A – comme neuf', B: 'B – traces d’usage légères', C: 'C – traces d’usage visibles' } as const;
export type Grade = keyof typeof GRADES;

export const ERASURE_METHODS = {
	overwrite: 'Réécriture complète du support',
	secure_erase: 'Effacement sécurisé du disque (commande du fabricant)',
	crypto_erase: 'Effacement cryptographique',
	factory_reset: 'Réinitialisation d’usine d’un appareil chiffré',
	storage_destroyed: 'Support de stockage détruit et remplacé'
} as const;
export type ErasureMethod = keyof typeof ERASURE_METHODS;

/** The functions checked on a device. */
export const TEST_FUNCTIONS = {
	power: 'Démarrage et alimentation',
	screen: 'Écran',
	keyboard: 'Clavier ou écran tactile',
	storage: 'Stockage',
	memory: 'Mémoire',
	network: 'Wi-Fi et réseau',
	audio: 'Son et micro',
	camera: 'Caméra',
	ports: 'Ports et chargeur',
	battery: 'Batterie'
} as const;
export type TestFunction = keyof typeof TEST_FUNCTIONS;

export const RECEIPTS = { on_screen: 'Reçu signé à l’écran', paper: 'Reçu signé sur papier' } as const;
export type Receipt = keyof typeof RECEIPTS;

export const ACCOMPANIMENT_PROPOSALS = {
	referral: 'Orientation vers un lieu du réseau pour la prise en main',
	appointment: 'Rendez-vous avec un médiateur numérique dans un lieu de votre structure',
	outside: 'Accompagnement hors du réseau (vous noterez s’il a eu lieu)',
	declined: 'La personne ne souhaite pas d’accompagnement'
} as const;
export type AccompanimentProposal = keyof typeof ACCOMPANIMENT_PROPOSALS;

/** The set-up accompaniment proposed, as read afterwards (the prescriber's list, the device's page, the person's export). */
export const ACCOMPANIMENT_KINDS: Record<AccompanimentProposal, string> = {
	referral: 'Orientation vers un lieu du réseau',
	appointment: 'Rendez-vous avec un médiateur numérique',
	outside: 'Accompagnement hors du réseau',
	declined: 'Accompagnement refusé par la personne'
};

/** Where the set-up accompaniment stands (a referral's, read from its life; typed by hand outside the network). */
export const ACCOMPANIMENT_OUTCOMES = {
	pending: 'En attente',
	done: 'Faite',
	not_done: 'Pas faite',
	declined: 'Refusée par la personne'
} as const;
export type AccompanimentOutcome = keyof typeof ACCOMPANIMENT_OUTCOMES;

/** The steering's share: a set-up accompaniment done within this many days of the handover. */
export const SETUP_WINDOW_DAYS = 60;

/**
 * The set-up accompaniment's outcome from its referral's status (decision 0023): honoured (the
 * place received the person, or recorded an accompaniment for them) is done; declined, no-show,
 * expired or withdrawn is not done; sent, under study or accepted (an appointment to come) waits.
 */
export function outcomeOfReferral(status: string): 'pending' | 'done' | 'not_done' {
	if (status === 'honoured') return 'done';
	if (['sent', 'under_study', 'accepted'].includes(status)) return 'pending';
	return 'not_done';
}

export const RETURN_REASONS = { warranty: 'Retour sous garantie', exchange: 'Échange sous garantie', other: 'Autre retour' } as const;
export type ReturnReason = keyof typeof RETURN_REASONS;

/** Requests and handovers are kept this long after their end, then unlinked from the person. */
export const EQUIPMENT_RETENTION_MONTHS = 36;

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** What a device must have to be offered (décret 2022-190: tested, data erased; then described, graded, priced). */
export interface OfferFacts {
	testPassed: boolean;
	erasureReport: boolean;
	grade: string | null;
	warrantyMonths: number | null;
	priceCents: number | null;
	specified: boolean;
}

/** The French reasons a device cannot be offered yet (empty: it can). */
export function offerBlockers(f: OfferFacts): string[] {
	const out: string[] = [];
	if (!f.testPassed) out.push('les fonctions de l’appareil n’ont pas été testées avec succès');
	if (!f.erasureReport) out.push('le rapport d’effacement des données manque');
	if (!f.specified) out.push('la fiche technique n’est pas remplie');
	if (!f.grade) out.push('le grade manque');
	if (f.warrantyMonths === null) out.push('la durée de garantie manque');
	if (f.priceCents === null) out.push('le prix solidaire manque');
	return out;
}

export type TransitionCheck = { ok: true } | { ok: false; message: string };

/** Whether a device may go from one status to another, and the guard's facts where one applies. */
export function checkTransition(from: DeviceStatus, to: DeviceStatus, facts: { offer?: OfferFacts; erasureReport?: boolean } = {}): TransitionCheck {
	if (!TRANSITIONS[from]?.includes(to))
		return { ok: false, message: `Un appareil « ${DEVICE_STATUSES[from] ?? from} » ne peut pas passer à « ${DEVICE_STATUSES[to] ?? to} ».` };
	if (to === 'available' && from === 'refurbishing') {
		const blockers = facts.offer ? offerBlockers(facts.offer) : ['son reconditionnement n’est pas établi'];
		if (blockers.length) return { ok: false, message: `L’appareil ne peut pas être proposé\u00a0: ${blockers.join(', ')}.` };
	}
	if (to === 'handed_over' && !facts.erasureReport)
		return { ok: false, message: 'L’appareil ne peut pas être remis\u00a0: le rapport d’effacement des données manque.' };
	return { ok: true };
}

/** Which device types answer a need. */
export const fits = (need: Need, type: string) => need === type;

/** The waiting list's order: first asked, first served (ties by id, so the order is total). */
export function waitingOrder<T extends { requestedAt: Date; id: string }>(rows: readonly T[]): T[] {
	return [...rows].sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The share of retired devices a public body must send to reuse in a year (décret 2023-266), in percent; null before 2023. */
export function reuseTarget(year: number): number | null {
	if (year < 2023) return null;
	if (year === 2023) return 25;
	if (year === 2024) return 35;
	return 50;
}

/** Devices over this age (years) are excluded from the ratio (décret 2023-266). */
export const REUSE_MAX_AGE = 10;

export interface ReuseDevice {
	manufactureYear: number | null;
	/** a handover recorded: the proof of effective reuse */
	handedOverOn: string | null;
}

export interface ReuseFigures {
	year: number;
	given: number;
	excludedOverAge: number;
	counted: number;
	provenReused: number;
	/** the declared retired stock on 1 January, or null */
	declaredStock: number | null;
	denominator: number;
	/** percent, one decimal; null when there is nothing to divide by */
	ratio: number | null;
	target: number | null;
	met: boolean | null;
	/** the declared stock is missing: the devices given stand in, the ratio is indicative */
	indicative: boolean;
}

/** A device older than REUSE_MAX_AGE years in the report's year (unknown year: counted). */
export const overAge = (year: number, manufactureYear: number | null) => manufactureYear !== null && year - manufactureYear > REUSE_MAX_AGE;

/**
 * The ratio of décret 2023-266 for a donor and a year: devices proven reused (handed over to
 * a person) among the devices given that year, 10 years old or less, over the retired devices
 * in stock on 1 January as the donor declared it (the devices given stand in when it is not).
 */
export function reuseFigures(year: number, devices: readonly ReuseDevice[], declaredStock: number | null): ReuseFigures {
	const counted = devices.filter((d) => !overAge(year, d.manufactureYear));
	const provenReused = counted.filter((d) => d.handedOverOn !== null).length;
	const denominator = declaredStock ?? counted.length;
	const ratio = denominator > 0 ? Math.round((provenReused / denominator) * 1000) / 10 : null;
	const target = reuseTarget(year);
	return {
		year,
		given: devices.length,
		excludedOverAge: devices.length - counted.length,
		counted: counted.length,
		provenReused,
		declaredStock,
		denominator,
		ratio,
		target,
		met: target === null || ratio === null ? null : ratio >= target,
		indicative: declaredStock === null
	};
}

/** The last day of a warranty of `months` from a Paris day (ISO), clamped to the month's end. */
export function warrantyUntil(day: string, months: number): string {
	const [y, m, d] = day.split('-').map(Number);
	const total = m - 1 + months;
	const ty = y + Math.floor(total / 12);
	const tm = (total % 12) + 1;
	const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
	return `${ty}-${String(tm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

// ---- inputs (one zod schema per form) ----

const trimmed = (max: number) =>
	z
		.string()
		.trim()
		.max(max, { error: `${max} caractères au plus.` });
const optionalInt = (min: number, max: number, message: string) =>
	z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? null : typeof v === 'string' ? Number(v.replace(',', '.')) : v),
		z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).nullable()
	);
/**
 * A day that has happened (ISO, of the calendar, 1980 to today in Paris): a lot received, a test,
 * an erasure, a recycling, a set-up done. Never a day the database would refuse (« 2026-13-45 »).
 */
export function pastDayError(s: string, today = parisDay()): string | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return 'Indiquez une date (jj/mm/aaaa).';
	if (parseDay(s) !== s) return 'Cette date n’existe pas\u00a0: indiquez une date (jj/mm/aaaa).';
	if (s < '1980-01-01') return 'Indiquez une date après 1980.';
	if (s > today) return 'La date ne peut pas être dans le futur.';
	return null;
}
export const dayField = z.string().superRefine((s, ctx) => {
	const message = pastDayError(s);
	if (message) ctx.addIssue({ code: 'custom', message });
});

export const donorInput = z.object({
	kind: z.enum(Object.keys(DONOR_KINDS) as [DonorKind, ...DonorKind[]], { error: 'Choisissez le type de donateur.' }),
	name: trimmed(200).min(2, { error: 'Indiquez le nom du donateur.' }),
	publicBody: z.preprocess((v) => v === true || v === 'on' || v === '1', z.boolean()),
	communeCode: z.preprocess(
		(v) => (v === '' ? null : v),
		z
			.string()
			.regex(/^[0-9][0-9AB][0-9]{3}$/, { error: 'Code INSEE inconnu.' })
			.nullable()
			.optional()
	),
	organisationId: z.preprocess((v) => (v === '' ? null : v), z.uuid({ error: 'Structure inconnue.' }).nullable().optional()),
	siret: z.preprocess(
		(v) => (typeof v === 'string' ? v.replace(/\s/g, '') || null : v),
		z.string().refine(isValidSiret, { error: 'Ce numéro SIRET n’est pas valide (14 chiffres).' }).nullable().optional()
	)
});
export type DonorInput = z.infer<typeof donorInput>;

export const deviceLine = z.object({
	type: z.enum(Object.keys(DEVICE_TYPES) as [DeviceType, ...DeviceType[]], { error: 'Choisissez le type d’appareil.' }),
	brand: trimmed(100).default(''),
	model: trimmed(100).default(''),
	serial: trimmed(100).default(''),
	manufactureYear: optionalInt(1980, 2100, 'Indiquez une année entre 1980 et 2100.'),
	stateOnReceipt: trimmed(500).default('')
});
export type DeviceLine = z.infer<typeof deviceLine>;

export const lotInput = z.object({
	donorId: z.uuid({ error: 'Choisissez le donateur.' }),
	refurbisherId: z.uuid({ error: 'Choisissez la structure qui reconditionne.' }),
	reference: trimmed(60).min(1, { error: 'Indiquez la référence du lot.' }),
	receivedOn: dayField,
	legalBasis: trimmed(200).default(''),
	note: trimmed(1000).default(''),
	devices: z.array(deviceLine).max(2000, { error: '2 000 appareils au plus par lot.' })
});
export type LotInput = z.infer<typeof lotInput>;

export const testInput = z.object({
	testedOn: dayField,
	results: z.record(z.string(), z.boolean()),
	note: trimmed(1000).default('')
});

export const erasureInput = z.object({
	method: z.enum(Object.keys(ERASURE_METHODS) as [ErasureMethod, ...ErasureMethod[]], { error: 'Choisissez la méthode d’effacement.' }),
	tool: trimmed(200).default(''),
	erasedOn: dayField,
	operatorName: trimmed(200).min(2, { error: 'Indiquez qui a effacé les données.' }),
	reportReference: trimmed(200).default('')
});

export const specInput = z.object({
	cpu: trimmed(200).default(''),
	memoryGb: optionalInt(0, 4096, 'Mémoire en Go, un nombre entier.'),
	storageGb: optionalInt(0, 1048576, 'Stockage en Go, un nombre entier.'),
	screenInches: trimmed(20).default(''),
	batteryHealth: optionalInt(0, 100, 'État de la batterie en %, entre 0 et 100.'),
	operatingSystem: trimmed(200).default(''),
	grade: z.preprocess((v) => (v === '' ? null : v), z.enum(['A', 'B', 'C'], { error: 'Choisissez le grade.' }).nullable()),
	warrantyMonths: optionalInt(0, 60, 'Garantie en mois, entre 0 et 60.'),
	priceEuros: z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? null : typeof v === 'string' ? Number(v.replace(',', '.').replace(/\s|€/g, '')) : v),
		z.number({ error: 'Prix en euros, par exemple 120 ou 99,50.' }).min(0, { error: 'Un prix positif.' }).max(1000, { error: '1 000 € au plus.' }).nullable()
	)
});
export type SpecInput = z.infer<typeof specInput>;

export const recycleInput = z.object({
	recycledOn: dayField,
	channel: trimmed(200).min(2, { error: 'Indiquez la filière de recyclage (éco-organisme).' }),
	certificateReference: trimmed(200).default(''),
	reason: trimmed(500).default('')
});

export const requestInput = z.object({
	beneficiaryId: z.uuid({ error: 'Choisissez la personne.' }),
	need: z.enum(Object.keys(NEEDS) as [Need, ...Need[]], { error: 'Choisissez le besoin.' }),
	eligibilityKind: z.enum(Object.keys(ELIGIBILITY_KINDS) as [EligibilityKind, ...EligibilityKind[]], { error: 'Choisissez le justificatif vu.' }),
	/** none while the département defines no area: the request waits in the département's list */
	areaId: z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? null : v),
		z.coerce
			.number({ error: 'Choisissez le territoire.' })
			.int({ error: 'Choisissez le territoire.' })
			.positive({ error: 'Choisissez le territoire.' })
			.nullable()
	)
});
export type RequestInput = z.infer<typeof requestInput>;

export const handoverInput = z
	.object({
		receipt: z.enum(['on_screen', 'paper'], { error: 'Indiquez comment le reçu a été signé.' }),
		accompaniment: z.enum(['referral', 'appointment', 'outside', 'declined'], { error: 'Indiquez l’accompagnement proposé pour la prise en main.' }),
		placeId: z.preprocess((v) => (v === '' ? null : v), z.string().max(200).nullable().optional()),
		accompanimentPlaceId: z.preprocess((v) => (v === '' ? null : v), z.string().max(200).nullable().optional()),
		/** the referral's reason (the page proposes one) */
		accompanimentReason: z.string().max(4000).optional(),
		/** an appointment's day and time, Paris time ('2026-12-10T14:30') */
		appointmentAt: z.string().max(40).optional(),
		/** the person's consent to the referral, given on site: 'signature' or 'oral', and what they share */
		consentMethod: z.string().max(40).optional(),
		consentScope: z.array(z.string().max(40)).max(20).optional()
	})
	.superRefine((v, ctx) => {
		if ((v.accompaniment === 'referral' || v.accompaniment === 'appointment') && !v.accompanimentPlaceId)
			ctx.addIssue({ code: 'custom', path: ['accompanimentPlaceId'], message: 'Choisissez le lieu de la prise en main.' });
		if (v.accompaniment === 'appointment' && !v.appointmentAt?.trim())
			ctx.addIssue({ code: 'custom', path: ['appointmentAt'], message: 'Indiquez le jour et l’heure du rendez-vous.' });
	});
export type HandoverInput = z.output<typeof handoverInput>;

export const returnInput = z.object({
	reason: z.enum(['warranty', 'exchange', 'other'], { error: 'Indiquez la raison du retour.' }),
	exchangeDeviceId: z.preprocess((v) => (v === '' ? null : v), z.uuid({ error: 'Choisissez l’appareil d’échange.' }).nullable().optional())
});

/** The short reference a refurbisher reads instead of the person's name: « D-2026-4F7K2Q ». */
export function requestReference(year: number, random: string): string {
	return `D-${year}-${random.toUpperCase()}`;
}
