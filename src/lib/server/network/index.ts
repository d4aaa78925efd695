/** The network capability's one public entry. The network's dashboard for the coordinators. */
export { coordinatorDashboard } from './dashboard.ts';
