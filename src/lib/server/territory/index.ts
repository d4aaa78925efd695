/**
 * The territory capability's one public entry: the communes (loading, in-memory lookup), the
 * "Où ?" resolution, areas (pôles territoriaux, bassins de vie), the instance settings and
 * the fragility index. Other code imports from here, never from the files inside (the tables
 * of db.ts aside).
 */
export { municipalityLabel, type TerritoryLookup, type TerritoryMunicipality } from './model.ts';
export { loadShapes, loadTerritory } from './load.ts';
export type { AddressApi } from './address-api.ts';
export { buildLookup, forgetMunicipalityLookup, municipalityLookup } from './lookup.ts';
export { resolveWhere, suggestMunicipalities, type ResolveWhereOptions } from './where.ts';
export { AREA_KINDS, AREA_KIND_LABELS, areasFromCsv, type AreaKind } from './area-model.ts';
export {
	areaOf,
	createArea,
	deleteArea,
	getArea,
	importAreasFromCsv,
	listAreas,
	saveArea,
	saveAreas,
	setAreaMunicipalities,
	type AreasImportResult
} from './areas.ts';
export { importAreasFromGironde, type GirondeAreasReport } from './gironde.ts';
export { demoDepartments, type InstanceSettings } from './settings-model.ts';
export { getInstanceSettings, updateInstanceSettings, changeInstanceSettings, type UpdateInstanceSettingsResult } from './settings.ts';
export { fragilityByDepartment, fragilityOf } from './fragility.ts';
export { departmentShapes, SHAPES_SEED_STEP, type DepartmentShapes, type ShapeDetail } from './shapes.ts';
export { steeringCommunes, type SteeringCommune } from './steering-communes.ts';

// lookups for other capabilities (a campaign's areas, a département's name) and the first start's steps
export { areaNames, areasWithCommunes, communesOfAreas, departmentName, departmentUnits } from './area-lookups.ts';
export { markSeedStep, seedStepDone } from './seed-runs.ts';
export { departmentNames, properNamesIn } from './names.ts';
