// A place manager's own structure: the same page as the coordinators' (members, invitations,
// roles), under the professional space, its breadcrumb without the coordinators' list.
export { load, actions } from '../../../admin/organisations/[id]/+page.server.ts';
