/** Steering (issue 16): the public entry of the capability. */
export * from './model.ts';
export { steeringContext, steeringDepartments, type SteeringContext } from './context.ts';
