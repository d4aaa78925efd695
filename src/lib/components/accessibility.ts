/**
 * The accessibility compliance statement shown in the footer and on /accessibilite.
 * RGAA 4.1: without a valid audit, a site must say « non conforme ». Change this
 * (and the date) only after an audit.
 */
export const ACCESSIBILITY_STATUS: 'non conforme' | 'partiellement conforme' | 'totalement conforme' = 'non conforme';
export const ACCESSIBILITY_AUDIT_DATE: string | null = null;
export const ACCESSIBILITY_RATE: number | null = null;
