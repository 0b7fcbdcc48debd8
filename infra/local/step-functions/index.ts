/**
 * Local Step Functions, in parts: the service (local-step-functions.ts) with its execution store,
 * the ASL rewriting that makes a definition runnable locally, task tokens, and the AWS JSON API.
 * Callers import from here.
 */
export type { StepFunctionsErrorCode } from './errors';
export { StepFunctionsError } from './errors';
export { LocalStepFunctions } from './local-step-functions';
export type {
  ExecutionDescription,
  ExecutionStatus,
  ExecutionSummary,
  LocalStepFunctionsOptions,
  StartExecutionInput,
} from './types';
