/**
 * The strategy capability's one public entry (issue 16, item 6): the departmental roadmap
 * (axes, actions, their fundings, indicators followed and progress notes) and the steering
 * committees (meetings, decisions). The tables stay in db.ts.
 */
export * from './model.ts';
export { StrategyError, readableDepartments } from './internal.ts';
export { actionDetail, addActionNote, createAction, deleteAction, updateAction } from './actions.ts';
export { actionFormChoices, createAxis, deleteAxis, indicatorTargets, renameAxis, roadmap, type IndicatorTarget, type RoadmapRow } from './roadmap.ts';
export {
	addDecision,
	createMeeting,
	deleteDecision,
	deleteMeeting,
	meetingDetail,
	meetingFormChoices,
	meetingsOverview,
	setDecisionStatus,
	updateMeeting
} from './meetings.ts';
export { roadmapCsv, roadmapFile, roadmapXlsx } from './export.ts';
export { seedDemoStrategy } from './demo.ts';
