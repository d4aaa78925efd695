/**
 * The equipment capability's one public entry (issue 18, decision 0020): the local channel of
 * refurbished devices — donors and lots, refurbishing (tests, data erasure, specification,
 * offer, recycling), the device's lifecycle, requests for a person and the waiting list per
 * area, reservation, handover and returns, the donor's reuse report. The tables stay in db.ts.
 */
export * from './model.ts';
export { EquipmentError } from './internal.ts';
export { createDonor, createLot, declareStock, donorsOf, lotsOf } from './donors.ts';
export {
	startRefurbishing,
	recordTest,
	recordErasure,
	specifyDevice,
	offerDevice,
	withdrawDevice,
	recycleDevice,
	stockOf,
	deviceForRefurbisher,
	refurbisherChoices,
	devicesOfLots,
	type StockFilter
} from './refurbish.ts';
export {
	acceptedEligibility,
	requestDevice,
	waitingList,
	requestsOfMyStructures,
	reserveDevice,
	cancelReservation,
	handOver,
	returnDevice,
	availableFor,
	requestsForDevice,
	type WaitingRow
} from './allocation.ts';
export { donorReport, donorReportCsv, donorReportPdfFile, type DonorReport, type ReuseLine } from './reuse.ts';
export { personalData, EQUIPMENT_RETENTION } from './personal-data.ts';
export { unlinkPastRetention, retentionLimit } from './retention.ts';
export { eligibilitySettings, setAcceptedEligibility } from './settings.ts';
export { updateDonor, updateLot, lotForEditing, donorForEditing } from './corrections.ts';
export { setupViews, freezeSetups, handoversOfRequests, setupPlaceChoices, recordAccompanimentOutcome, handoverFigures, type SetupView } from './setup.ts';
export { equipmentDepartments, equipmentHome, requestFormChoices, waitingAreas, manageChoices, manageActingFor, donorReadable } from './pages.ts';
export { seedDemoEquipment } from './demo.ts';
export { parseLotLines, deviceTypeOf, MAX_LOT_LINES, MAX_LOT_TEXT, type LotLines } from './lot-lines.ts';
