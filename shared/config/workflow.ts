import type { WorkflowConfig } from './schema';

/**
 * The workflow config as `cdk synth` parsed it, JSON, in function bundles only (an esbuild `define`,
 * infra/bundling.ts); elsewhere the name is not declared at all.
 */
declare const FRONTDOOR_WORKFLOW_CONFIG: string | undefined;

/**
 * The workflow in force. Parsed at import so a broken config stops `npm start` and `cdk synth`
 * with a message naming the path, instead of surfacing as odd triage in production. A function bundle
 * carries it already parsed: the synth that built the bundle validated it, and parsing it again took most
 * of a cold start's module initialisation (zod's first run over the whole config, Intl's time zones).
 * esbuild folds the `typeof`, and the imports go with the branch: a bundle has neither the config's source
 * nor its schema. Runtime code takes the config from here, not from index.ts, which re-exports the schema.
 */
export const workflowConfig: WorkflowConfig =
  typeof FRONTDOOR_WORKFLOW_CONFIG === 'string'
    ? JSON.parse(FRONTDOOR_WORKFLOW_CONFIG)
    : (await import('./schema')).parseWorkflowConfig((await import('./default-workflow')).defaultWorkflow);
