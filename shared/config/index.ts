export * from './assignment';
export { defaultWorkflow } from './default-workflow';
export * from './fields';
export * from './intent';
export * from './schema';
export { workflowConfig } from './workflow';
