import { defaultWorkflow } from './default-workflow';
import { parseWorkflowConfig, type WorkflowConfig } from './schema';

export * from './assignment';
export { defaultWorkflow } from './default-workflow';
export * from './fields';
export * from './intent';
export * from './schema';

/**
 * The workflow in force. Parsed at import so a broken config stops `npm start` and `cdk synth`
 * with a message naming the path, instead of surfacing as odd triage in production.
 */
export const workflowConfig: WorkflowConfig = parseWorkflowConfig(defaultWorkflow);
