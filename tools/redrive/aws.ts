import {
  ChangeMessageVisibilityCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { KINDS, workQueueName } from '../../infra/dead-letters';
import type { RedriveRequest } from './args';
import { type AwsRedriveDeps, deadLetterQueueOf, type QueueRef, queueOf } from './aws-queues';
import { resendEach } from './aws-resend';
import { deadLetterLine, failureOf, streamAgeNote } from './describe';

export type { AwsRedriveDeps } from './aws-queues';

/**
 * `npm run redrive` in AWS. The dead-letter queue is found by its fixed name or, when CloudFormation named
 * it, by its stack and logical id. A work queue's DLQ goes back with SQS StartMessageMoveTask (which only
 * takes DLQs whose sources are SQS queues); every other kind message by message (./aws-resend.ts). A dry
 * run shows up to `max` dead letters without consuming them (received with a short visibility timeout,
 * then made visible again at once).
 */

/** Long enough to read a batch and put it back; short enough that a crash hides nothing for long. */
const PEEK_VISIBILITY_SECONDS = 30;

/** Answers how many dead letters it left where they were (0: all went back, or a dry run). */
export async function redriveInAws(request: RedriveRequest, deps: AwsRedriveDeps): Promise<number> {
  const row = request.deadLetters;
  const dlq = await deadLetterQueueOf(row, request.stage, deps);
  if (request.dryRun) {
    await peek(dlq, request.max, deps);
    return 0;
  }
  deps.print(`${row.name}: ${KINDS[row.kind].aws}`);
  if (row.kind !== 'queue') return resendEach(row, request.stage, dlq, deps);
  const source = await queueOf(deps.sqs, workQueueName(request.stage, String(row.queue)));
  await moveBack(dlq, source, deps);
  return 0;
}

/** SQS StartMessageMoveTask from the DLQ to its source queue, then waits for the task to finish. */
async function moveBack(dlq: QueueRef, source: QueueRef, deps: AwsRedriveDeps): Promise<void> {
  const started = await deps.sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn }),
  );
  deps.print(`started moving ${dlq.waiting} message(s) from ${dlq.name} to ${source.name}`);
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const { Results = [] } = await deps.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    const task = Results.find((t) => t.TaskHandle === started.TaskHandle) ?? Results[0];
    if (task && task.Status !== 'RUNNING') {
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      if (task.Status === 'COMPLETED')
        deps.print(`moved ${moved} message(s) from ${dlq.name} to ${source.name}`);
      else
        throw new Error(
          `the move task ${task.Status?.toLowerCase()} after ${moved} message(s): ${task.FailureReason ?? 'no reason given'}`,
        );
      return;
    }
    await wait(2000);
  }
}

/** Up to `max` dead letters, printed, then visible again to the next reader (the move task or a redrive). */
async function peek(dlq: QueueRef, max: number, deps: AwsRedriveDeps): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const { Messages = [] } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
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
    deps.print(deadLetterLine({ ...describeMessage(m), note: streamAgeNote(m.Body ?? '', now) }));
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: dlq.url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
  deps.print(`dry run: ${seen.size} message(s) shown from ${dlq.name}, none moved`);
}

/** A received dead letter as a dry-run line shows it. */
export function describeMessage(m: Message) {
  const attributes = Object.fromEntries(
    Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
  );
  const body = m.Body ?? '';
  return {
    messageId: m.MessageId ?? '?',
    receiveCount: m.Attributes?.ApproximateReceiveCount
      ? Number(m.Attributes.ApproximateReceiveCount)
      : undefined,
    body,
    error: failureOf(body, attributes),
  };
}
