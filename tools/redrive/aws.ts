import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { RedriveRequest } from './args';
import { deadLetterLine } from './describe';

/**
 * `npm run redrive` in AWS: SQS StartMessageMoveTask from `frontdoor-<stage>-<queue>-dlq` back to
 * `frontdoor-<stage>-<queue>` (names as infra/stateful-stack.ts gives them), then waits for the task to
 * finish; or, in a dry run, shows up to `max` dead letters without consuming them (received with a short
 * visibility timeout, then made visible again at once).
 */

/** Long enough to read a batch and put it back; short enough that a crash hides nothing for long. */
const PEEK_VISIBILITY_SECONDS = 30;

export interface AwsRedriveDeps {
  readonly sqs: SQSClient;
  readonly print: (line: string) => void;
  /** Between polls of the move task (tests pass a no-op). */
  readonly wait?: (ms: number) => Promise<void>;
}

export const queueNames = (stage: string, queue: string) => ({
  source: `frontdoor-${stage}-${queue}`,
  dlq: `frontdoor-${stage}-${queue}-dlq`,
});

export async function redriveInAws(request: RedriveRequest, deps: AwsRedriveDeps): Promise<void> {
  const names = queueNames(request.stage, request.queue);
  const dlq = await queueOf(deps.sqs, names.dlq);
  if (request.dryRun) return peek(dlq.url, names.dlq, request.max, deps);
  const source = await queueOf(deps.sqs, names.source);
  const started = await deps.sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn }),
  );
  deps.print(`started moving ${dlq.waiting} message(s) from ${names.dlq} to ${names.source}`);
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const { Results = [] } = await deps.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    const task = Results.find((t) => t.TaskHandle === started.TaskHandle) ?? Results[0];
    if (task && task.Status !== 'RUNNING') {
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      if (task.Status === 'COMPLETED')
        deps.print(`moved ${moved} message(s) from ${names.dlq} to ${names.source}`);
      else
        throw new Error(
          `the move task ${task.Status?.toLowerCase()} after ${moved} message(s): ${task.FailureReason ?? 'no reason given'}`,
        );
      return;
    }
    await wait(2000);
  }
}

async function queueOf(sqs: SQSClient, name: string) {
  const { QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!url) throw new Error(`no queue named ${name}`);
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
    }),
  );
  if (!Attributes.QueueArn) throw new Error(`${name} has no ARN`);
  return { url, arn: Attributes.QueueArn, waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0) };
}

/** Up to `max` dead letters, printed, then visible again to the next reader (the move task or a redrive). */
async function peek(url: string, name: string, max: number, deps: AwsRedriveDeps): Promise<void> {
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const { Messages = [] } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId as string, m);
  }
  for (const m of seen.values()) {
    deps.print(
      deadLetterLine({
        messageId: m.MessageId ?? '?',
        receiveCount: m.Attributes?.ApproximateReceiveCount
          ? Number(m.Attributes.ApproximateReceiveCount)
          : undefined,
        body: m.Body ?? '',
        error: failureOf(m),
      }),
    );
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
  deps.print(`dry run: ${seen.size} message(s) shown from ${name}, none moved`);
}

/**
 * Why it failed, when the message says: EventBridge adds ERROR_CODE / ERROR_MESSAGE to what it dead-letters;
 * a consumer's failures are in its logs, not on the message.
 */
function failureOf(m: Message): string | undefined {
  const attr = (key: string) => m.MessageAttributes?.[key]?.StringValue;
  const reason = [attr('ERROR_CODE'), attr('ERROR_MESSAGE')].filter(Boolean).join(': ');
  return reason || undefined;
}
