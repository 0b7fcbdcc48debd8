import { type CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsLocation, type DeadLetterQueueRow } from '../../infra/dead-letters';

/**
 * What `npm run redrive` in AWS works with: its clients, and the queues it reads and writes, found by
 * name or — for the dead-letter queues CloudFormation named — by their stack and logical id.
 */
export interface AwsRedriveDeps {
  readonly sqs: SQSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly lambda: LambdaClient;
  readonly events: EventBridgeClient;
  readonly streams: DynamoDBStreamsClient;
  readonly print: (line: string) => void;
  /** Between polls of the move task (tests pass a no-op). */
  readonly wait?: (ms: number) => Promise<void>;
  /** Now, in ms since the epoch (stream retention; tests fix it). */
  readonly now?: () => number;
}

/** A queue as the redrive uses it. */
export interface QueueRef {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly waiting: number;
}

export async function deadLetterQueueOf(
  row: DeadLetterQueueRow,
  stage: string,
  deps: Pick<AwsRedriveDeps, 'sqs' | 'cloudFormation'>,
): Promise<QueueRef> {
  const where = awsLocation(row, stage);
  if ('queueName' in where) return queueOf(deps.sqs, where.queueName);
  const { StackResourceDetail: resource } = await deps.cloudFormation.send(
    new DescribeStackResourceCommand({ StackName: where.stackName, LogicalResourceId: where.logicalId }),
  );
  // An AWS::SQS::Queue's physical id is its URL.
  const url = resource?.PhysicalResourceId;
  if (!url) throw new Error(`the stack ${where.stackName} has no queue ${where.logicalId}`);
  return queueAt(deps.sqs, url.split('/').pop() ?? url, url);
}

export async function queueOf(sqs: SQSClient, name: string): Promise<QueueRef> {
  const { QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!url) throw new Error(`no queue named ${name}`);
  return queueAt(sqs, name, url);
}

async function queueAt(sqs: SQSClient, name: string, url: string): Promise<QueueRef> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
    }),
  );
  if (!Attributes.QueueArn) throw new Error(`${name} has no ARN`);
  return {
    name,
    url,
    arn: Attributes.QueueArn,
    waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
  };
}
