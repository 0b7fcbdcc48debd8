import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { meterClient } from './billing-meter';

/*
 * SDK clients are created once per execution environment and reused across invocations.
 * Endpoints come from the SDK's own service-specific variables (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_EVENTBRIDGE), which is how the local runtime points the same code at
 * DynamoDB Local and its in-process bus. The DynamoDB and EventBridge clients are metered (billing-meter.ts:
 * the request units and events their calls are billed for are counted, which `npm run cost` prices); Step
 * Functions bills state transitions, not API calls, and the local runtime counts those.
 */
/**
 * Metered only where someone reads the meter: the local runtime sets FRONTDOOR_BILLING_METER=on (its
 * `GET /local/costs` and `npm run cost`); in Lambda no request carries the meter's ReturnConsumedCapacity.
 */
function metered<C extends { middlewareStack: unknown }>(client: C): C {
  return process.env.FRONTDOOR_BILLING_METER === 'on' ? meterClient(client) : client;
}

let dynamo: DynamoDBDocumentClient | undefined;
let dynamoBase: DynamoDBClient | undefined;
let eventBridge: EventBridgeClient | undefined;

/** The DynamoDB client under `documentClient()` (metered locally), for libraries that take a plain client. */
export function dynamoDbClient(): DynamoDBClient {
  dynamoBase ??= metered(new DynamoDBClient({}));
  return dynamoBase;
}

/** How the document client turns items into DynamoDB's types (the property tests marshall with the same). */
export const DOCUMENT_MARSHALL_OPTIONS = { removeUndefinedValues: true } as const;

export function documentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: DOCUMENT_MARSHALL_OPTIONS,
  });
  return dynamo;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= metered(new EventBridgeClient({}));
  return eventBridge;
}

let stepFunctions: SFNClient | undefined;

/** Step Functions (AWS_ENDPOINT_URL_SFN points it at the local runtime). */
export function stepFunctionsClient(): SFNClient {
  stepFunctions ??= new SFNClient({});
  return stepFunctions;
}

let scheduler: SchedulerClient | undefined;

/**
 * EventBridge Scheduler, for the tickets' wake-ups (AWS_ENDPOINT_URL_SCHEDULER points it at the local
 * runtime's stand-in). Scheduler bills invocations, not API calls: the local runtime counts those.
 */
export function schedulerClient(): SchedulerClient {
  scheduler ??= new SchedulerClient({});
  return scheduler;
}
