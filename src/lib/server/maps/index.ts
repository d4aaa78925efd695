/**
 * The maps capability's one public entry (issue 16, item 7): a département's map at a level,
 * projected, for the chart components of src/lib/components/charts.
 */
export { departmentMap, forgetMaps } from './service.ts';
export { buildMapGeometry, mapLevelKey, weightedCentre, MAP_WIDTH, type MapCommune, type MapInput, type MapLevel, type MapUnitSpec } from './model.ts';
