/**
 * The Step Functions API calls Frontdoor makes, in the AWS JSON 1.0 protocol (`x-amz-target` and a JSON
 * body), so `@aws-sdk/client-sfn` works against the local runtime unchanged.
 */
import { z } from 'zod';
import { StepFunctionsError } from './errors';
import { type ExecutionStatus, executionStatus } from './execution-store';
import type { ExecutionDescription, ExecutionSummary, StartExecutionInput } from './types';

/** The operations served, as LocalStepFunctions implements them. */
export interface StepFunctionsApi {
  startExecution(request: StartExecutionInput): { executionArn: string; startDate: Date };
  describeExecution(executionArn: string): ExecutionDescription;
  stopExecution(request: { executionArn: string; error?: string; cause?: string }): { stopDate: Date };
  listExecutions(stateMachineArn: string, status?: ExecutionStatus): ExecutionSummary[];
  sendTaskSuccess(taskToken: string, output: string): void;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void;
  sendTaskHeartbeat(taskToken: string): void;
}

/** Wire shapes of the requests served (unknown members are ignored, as the SDK may send more). */
const startExecutionRequest = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
});
const describeExecutionRequest = z.object({ executionArn: z.string() });
const stopExecutionRequest = z.object({
  executionArn: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
const taskToken = z.string().min(1).max(2048);
const sendTaskSuccessRequest = z.object({ taskToken, output: z.string().max(262_144) });
const sendTaskFailureRequest = z.object({
  taskToken,
  error: z.string().max(256).optional(),
  cause: z.string().max(32_768).optional(),
});
const sendTaskHeartbeatRequest = z.object({ taskToken });
const listExecutionsRequest = z.object({
  stateMachineArn: z.string(),
  statusFilter: executionStatus.optional(),
  maxResults: z.int().min(0).max(1000).optional(),
  nextToken: z.string().optional(),
});

/**
 * One AWS JSON 1.0 request (`x-amz-target` and body) → status and JSON body. Dates are epoch seconds,
 * errors `{ __type, message }` with status 400, as `@aws-sdk/client-sfn` expects.
 */
export function serveApi(
  service: StepFunctionsApi,
  target: string,
  body: string,
): { status: number; body: unknown } {
  try {
    return { status: 200, body: handle(service, target, parseRequestBody(body)) };
  } catch (error: unknown) {
    if (error instanceof StepFunctionsError) {
      return { status: 400, body: { __type: error.code, message: error.message } };
    }
    if (error instanceof z.ZodError) {
      return { status: 400, body: { __type: 'ValidationException', message: z.prettifyError(error) } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: { __type: 'InternalFailure', message } };
  }
}

function handle(service: StepFunctionsApi, target: string, request: unknown): unknown {
  switch (target) {
    case 'AWSStepFunctions.StartExecution': {
      const started = service.startExecution(startExecutionRequest.parse(request));
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    }
    case 'AWSStepFunctions.DescribeExecution': {
      const { executionArn } = describeExecutionRequest.parse(request);
      return wireDates(service.describeExecution(executionArn));
    }
    case 'AWSStepFunctions.StopExecution': {
      const { stopDate } = service.stopExecution(stopExecutionRequest.parse(request));
      return { stopDate: epochSeconds(stopDate) };
    }
    case 'AWSStepFunctions.ListExecutions': {
      const { stateMachineArn, statusFilter, maxResults, nextToken } = listExecutionsRequest.parse(request);
      const all = service.listExecutions(stateMachineArn, statusFilter);
      // nextToken is simply the offset of the next page; maxResults 0 means the default (all here).
      const offset = nextToken === undefined ? 0 : Number(nextToken);
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > all.length) {
        throw new StepFunctionsError('InvalidToken', 'Invalid Token');
      }
      const end = maxResults ? offset + maxResults : all.length;
      return {
        executions: all.slice(offset, end).map(wireDates),
        ...(end < all.length && { nextToken: String(end) }),
      };
    }
    case 'AWSStepFunctions.SendTaskSuccess': {
      const { taskToken, output } = sendTaskSuccessRequest.parse(request);
      service.sendTaskSuccess(taskToken, output);
      return {};
    }
    case 'AWSStepFunctions.SendTaskFailure': {
      const { taskToken, error, cause } = sendTaskFailureRequest.parse(request);
      service.sendTaskFailure(taskToken, error, cause);
      return {};
    }
    case 'AWSStepFunctions.SendTaskHeartbeat': {
      const { taskToken } = sendTaskHeartbeatRequest.parse(request);
      service.sendTaskHeartbeat(taskToken);
      return {};
    }
    default:
      throw new StepFunctionsError('UnknownOperationException', `Unknown operation ${target}`);
  }
}

/** The AWS JSON protocol's timestamps: epoch seconds (fractional). */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function wireDates<T extends ExecutionSummary>(
  value: T,
): Omit<T, 'startDate' | 'stopDate'> & {
  startDate: number;
  stopDate?: number;
} {
  const { startDate, stopDate, ...rest } = value;
  return {
    ...rest,
    startDate: epochSeconds(startDate),
    ...(stopDate !== undefined && { stopDate: epochSeconds(stopDate) }),
  };
}

function parseRequestBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new StepFunctionsError('SerializationException', 'Request body is not JSON');
  }
}
