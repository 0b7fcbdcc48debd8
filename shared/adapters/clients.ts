import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * SDK clients are created once per execution environment and reused across invocations.
 * Endpoints come from the SDK's own service-specific variables (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_EVENTBRIDGE), which is how the local runtime points the same code at
 * DynamoDB Local and its in-process bus.
 */
let dynamo: DynamoDBDocumentClient | undefined;
let eventBridge: EventBridgeClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({});
  return eventBridge;
}

let stepFunctions: SFNClient | undefined;

/** Step Functions (AWS_ENDPOINT_URL_SFN points it at the local runtime). */
export function stepFunctionsClient(): SFNClient {
  stepFunctions ??= new SFNClient({});
  return stepFunctions;
}
