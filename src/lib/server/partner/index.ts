/** The partner capability's one public entry. A partner's own figures: what it funds, its agents' referrals (no personal data). */
export { MASKED, partnerOrganisations, partnerOverview, shownPartnerCampaigns, shownReferrals, SMALL_COUNT } from './service.ts';
