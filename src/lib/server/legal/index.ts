/** The legal capability's one public entry. The instance's legal pages and the person's rights requests. */
export { legalInfo, COOKIES, RETENTION } from './service.ts';
