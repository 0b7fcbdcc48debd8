import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { busName, type DeadLetterQueueRow, functionName, workQueueName } from '../../infra/dead-letters';
import { lambdaStreamEvent, readStreamRecords } from '../../infra/local/table-stream';
import { type AwsRedriveDeps, type QueueRef, queueOf } from './aws-queues';
import { describeBody, parseObject } from './describe';

/**
 * `npm run redrive` in AWS for the DLQs StartMessageMoveTask cannot move (their sources are EventBridge
 * and Lambda, not SQS queues): each dead letter is received, sent on the way it missed, and deleted once
 * that worked; one that cannot go (or fails again) stays in the DLQ with the reason printed.
 * - rules: SendMessage of the event to the work queue;
 * - event-rule: the function invoked asynchronously with the event (what EventBridge failed to do);
 * - inbound-mail: the function invoked asynchronously with the record's `requestPayload` (a new failure
 *   comes back to this DLQ through the function's on-failure destination);
 * - table-stream: the batch's records read back from the stream (GetShardIterator AT_SEQUENCE_NUMBER up to
 *   the end sequence number) and the function invoked synchronously with them, as the event source does;
 *   records older than the stream's 24-hour retention are gone, and the dead letter says so and stays;
 * - bus: the event put back on the bus (PutEvents); a body that is no event stays.
 * Dead letters that arrive during the run are left for the next one.
 */

/** Long enough to send one batch on; a crash makes what it held visible again after it. */
const RESEND_VISIBILITY_SECONDS = 300;

type Outcome = { readonly left: string } | undefined;

export async function resendEach(
  row: DeadLetterQueueRow,
  stage: string,
  dlq: QueueRef,
  deps: AwsRedriveDeps,
): Promise<number> {
  const startedAt = (deps.now ?? Date.now)();
  const resend = resender(row, stage, deps);
  const seen = new Set<string>();
  let moved = 0;
  let left = 0;
  for (;;) {
    const { Messages = [] } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: RESEND_VISIBILITY_SECONDS,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    // Seen already (left, and visible again) or dead-lettered since the start: the run is over.
    const fresh = Messages.filter(
      (m) => m.MessageId && !seen.has(m.MessageId) && Number(m.Attributes?.SentTimestamp ?? 0) < startedAt,
    );
    if (fresh.length === 0) break;
    for (const m of fresh) {
      seen.add(m.MessageId as string);
      const outcome = await resend(m.Body ?? '').catch((e: unknown) => ({
        left: e instanceof Error ? e.message : String(e),
      }));
      if (outcome) {
        left++;
        deps.print(`${m.MessageId}: ${describeBody(m.Body ?? '')} — left in ${dlq.name}: ${outcome.left}`);
      } else {
        moved++;
        await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }
  deps.print(
    `redrove ${moved} message(s) from ${dlq.name}${left > 0 ? `; ${left} left there (see above)` : ''}`,
  );
  return left;
}

/** How one dead letter of the row's kind is sent on. */
function resender(
  row: DeadLetterQueueRow,
  stage: string,
  deps: AwsRedriveDeps,
): (body: string) => Promise<Outcome> {
  const fn = functionName(stage, String(row.function));
  switch (row.kind) {
    case 'rules': {
      let queue: Promise<QueueRef> | undefined;
      return async (body) => {
        queue ??= queueOf(deps.sqs, workQueueName(stage, String(row.queue)));
        await deps.sqs.send(new SendMessageCommand({ QueueUrl: (await queue).url, MessageBody: body }));
        return undefined;
      };
    }
    case 'event-rule':
      return (body) => invokeAsync(deps, fn, body);
    case 'inbound-mail':
      return async (body) => {
        const payload = parseObject(body)?.requestPayload;
        if (payload === undefined) return { left: 'not a Lambda invocation record (no requestPayload)' };
        return invokeAsync(deps, fn, JSON.stringify(payload));
      };
    case 'table-stream':
      return (body) => resendStreamBatch(deps, fn, row, body);
    case 'bus':
      return (body) => putBack(deps, busName(stage), body);
    case 'queue':
      throw new Error('a work queue’s DLQ goes back with StartMessageMoveTask');
  }
}

async function invokeAsync(deps: AwsRedriveDeps, fn: string, payload: string): Promise<Outcome> {
  const out = await deps.lambda.send(
    new InvokeCommand({
      FunctionName: fn,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(payload),
    }),
  );
  return out.StatusCode === 202 ? undefined : { left: `${fn} did not accept the event (${out.StatusCode})` };
}

async function resendStreamBatch(
  deps: AwsRedriveDeps,
  fn: string,
  row: DeadLetterQueueRow,
  body: string,
): Promise<Outcome> {
  const info = parseObject(body)?.DDBStreamBatchInfo as Record<string, unknown> | undefined;
  const at = {
    streamArn: String(info?.streamArn ?? ''),
    shardId: String(info?.shardId ?? ''),
    first: String(info?.startSequenceNumber ?? ''),
    last: String(info?.endSequenceNumber ?? ''),
  };
  if (Object.values(at).some((v) => v === '')) return { left: 'not a stream batch description' };
  const records = await readStreamRecords(deps.streams, at, { entities: row.entities ?? [] });
  if (!records)
    return {
      left: 'its records have aged out of the stream’s 24-hour retention; nothing can bring them back',
    };
  if (records.length === 0) return { left: `none of its records is one ${fn} takes` };
  const region = at.streamArn.split(':')[3] ?? '';
  const out = await deps.lambda.send(
    new InvokeCommand({
      FunctionName: fn,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(lambdaStreamEvent(records, region, at.streamArn))),
    }),
  );
  const answer = parseObject(new TextDecoder().decode(out.Payload ?? new Uint8Array()));
  if (out.FunctionError)
    return { left: `${fn} failed again: ${String(answer?.errorMessage ?? out.FunctionError)}` };
  const failures = answer?.batchItemFailures;
  if (Array.isArray(failures) && failures.length > 0)
    return { left: `${fn} reported ${failures.length} of ${records.length} record(s) failed again` };
  return undefined;
}

async function putBack(deps: AwsRedriveDeps, bus: string, body: string): Promise<Outcome> {
  const event = parseObject(body);
  if (typeof event?.source !== 'string' || typeof event['detail-type'] !== 'string' || !('detail' in event))
    return { left: 'not an EventBridge event, so it cannot be put back; shown only' };
  const out = await deps.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: bus,
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
          ...(Array.isArray(event.resources) ? { Resources: event.resources as string[] } : {}),
          ...(typeof event.time === 'string' ? { Time: new Date(event.time) } : {}),
        },
      ],
    }),
  );
  const failed = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0)
    return { left: `the bus refused it: ${failed?.ErrorCode ?? '?'} ${failed?.ErrorMessage ?? ''}`.trim() };
  return undefined;
}
