import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { ticketCreatedEvent } from '../../shared/domain';
import { freshTable, stubHandlerEnv } from '../support/dynamodb';
import { fakeAwsJsonService, type ReceivedCall } from '../support/fake-aws-json';
import { lambdaContext, sqsEvent, storedTicket } from './events';

// Real DynamoDB Local, EventBridge Scheduler a stand-in over HTTP (no account here) that the function's
// signed calls reach: what the handler asks the scheduler for, from a ticket change and from a wake-up, on
// the one ticket-clock queue.
let scheduler: Awaited<ReturnType<typeof fakeAwsJsonService>>;
/** CreateSchedule is a POST, UpdateSchedule a PUT, of /schedules/<name>. */
const creates = () => scheduler.calls.filter((c) => c.method === 'POST');
const updates = () => scheduler.calls.filter((c) => c.method === 'PUT');
let table: Awaited<ReturnType<typeof freshTable>>;
type Handler = (
  event: SQSEvent,
  context: unknown,
) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
let handler: Handler;
let repo: TicketRepository;

const TARGET = {
  SCHEDULE_GROUP: 'frontdoor-test-wake-ups',
  TICKET_CLOCK_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:ticket-clock',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  TICKET_CLOCK_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:ticket-clock-dlq',
  MAIL_BUCKET: 'frontdoor-test-mail',
};

beforeAll(async () => {
  table = await freshTable();
  scheduler = await fakeAwsJsonService();
  stubHandlerEnv(table.tableName, { ...TARGET, AWS_ENDPOINT_URL_SCHEDULER: scheduler.url });
  ({ handler } = (await import('../../functions/run-ticket-clock/handler')) as unknown as {
    handler: Handler;
  });
  repo = new TicketRepository(table.db, table.tableName);
});
afterAll(async () => {
  await table.drop();
  await scheduler.close();
});

const aTicketStored = () =>
  storedTicket(repo, {
    channel: 'webhook',
    source: 'demo',
    subject: 'How do I export?',
    body: 'hi',
    requester: { email: 'kim@customer.example' },
    requestType: 'general_question',
    fields: {},
    tags: [],
  });

describe('run-ticket-clock', () => {
  it('sets the ticket’s schedule from a change, creating it when there is none, and asks nothing more on a redelivery', async () => {
    scheduler.calls.length = 0;
    scheduler.answerWith((call: ReceivedCall) =>
      call.method === 'PUT'
        ? { status: 404, errorType: 'ResourceNotFoundException' }
        : { json: { ScheduleArn: 'arn:schedule' } },
    );
    const ticket = await aTicketStored();
    const created = ticketCreatedEvent(ticket);
    const body = { id: 'e-1', source: 'frontdoor', 'detail-type': created.type, detail: created.detail };

    expect(await handler(sqsEvent(body, 'm-1', 'ticket-clock'), lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    const [create] = creates();
    expect(create?.path).toBe(`/schedules/ticket-${ticket.id}`);
    expect(create?.body).toMatchObject({
      GroupName: TARGET.SCHEDULE_GROUP,
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: TARGET.TICKET_CLOCK_QUEUE_ARN,
        RoleArn: TARGET.SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: TARGET.TICKET_CLOCK_DLQ_ARN },
      },
    });
    expect(JSON.parse(String((create?.body.Target as { Input?: string } | undefined)?.Input))).toMatchObject({
      kind: 'wake-up',
      ticketId: ticket.id,
    });

    expect(await handler(sqsEvent(body, 'm-2', 'ticket-clock'), lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    expect(creates()).toHaveLength(1);
    expect(updates()).toHaveLength(1);

    // The first message delivered a second time (its look may have died before scheduling): set again.
    const again = sqsEvent(body, 'm-1', 'ticket-clock');
    for (const r of again.Records) r.attributes.ApproximateReceiveCount = '2';
    expect(await handler(again, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(updates()).toHaveLength(2);
    expect(creates()).toHaveLength(2);
  });

  it('fails a message that is neither a wake-up nor a ticket event, so it ends in the DLQ, not dropped', async () => {
    // (A batch of only failures fails as a whole: Lambda retries it, then the queue's DLQ takes it.)
    await expect(
      handler(sqsEvent({ kind: 'wake-up', ticketId: 'nope' }, 'm-bad', 'ticket-clock'), lambdaContext),
    ).rejects.toThrow('All records failed');
  });
});
