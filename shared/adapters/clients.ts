import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsJsonService, SCHEDULER } from './aws-json';

/*
 * SDK clients are created once per execution environment and reused across invocations.
 * Endpoints come from the SDK's own service-specific variables (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_EVENTBRIDGE), which is how the local runtime points the same code at
 * DynamoDB Local and its in-process bus. The DynamoDB and EventBridge clients are metered (billing-meter.ts:
 * the request units and events their calls are billed for are counted, which `npm run cost` prices); Step
 * Functions bills state transitions, not API calls, and the local runtime counts those.
 */

/** What wraps a client to count its calls: billing-meter.ts's `meterClient`. */
export type ClientMeter = <C extends { middlewareStack: unknown }>(client: C) => C;

let meter: ClientMeter | undefined;

/**
 * Meters the DynamoDB and EventBridge clients created from now on. Only where someone reads the meter: the
 * local runtime calls it before the functions load (its `GET /local/costs` and `npm run cost`). Lambda
 * never does — no request there carries the meter's ReturnConsumedCapacity — so the function bundles leave
 * the meter out instead of importing it here.
 */
export function meterClients(wrap: ClientMeter): void {
  meter = wrap;
}

function metered<C extends { middlewareStack: unknown }>(client: C): C {
  return meter ? meter(client) : client;
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

let scheduler: AwsJsonService | undefined;

/**
 * EventBridge Scheduler, for the tickets' wake-ups: signed calls without the SDK client (aws-json.ts);
 * AWS_ENDPOINT_URL_SCHEDULER points them at the local runtime's stand-in. Scheduler bills invocations, not
 * API calls: the local runtime counts those.
 */
export function schedulerService(): AwsJsonService {
  scheduler ??= new AwsJsonService(SCHEDULER);
  return scheduler;
}
