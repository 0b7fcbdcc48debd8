import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { ticketCreatedEvent } from '../../shared/domain';
import { freshTable } from '../support/dynamodb';
import { fakeAwsJsonService } from '../support/fake-aws-json';
import { lambdaContext, sqsEvent, storedTicket } from './events';

// Real DynamoDB Local (tickets and Powertools idempotency records), SES a stand-in over HTTP that the
// function's signed SendEmail calls reach: the question is how many mails leave when SQS delivers the same
// message twice.
let ses: Awaited<ReturnType<typeof fakeAwsJsonService>>;
/** The SendEmail inputs SES received since the last reset. */
const sentMails = () =>
  ses.calls
    .filter((c) => c.path === '/v2/email/outbound-emails')
    .map((c) => c.body as unknown as SendEmailBody);
interface SendEmailBody {
  Destination: { ToAddresses: string[] };
  Content: { Simple: { Subject: { Data: string }; Body: { Text: { Data: string } }; Headers: unknown[] } };
}
let table: Awaited<ReturnType<typeof freshTable>>;
type Handler = (
  event: SQSEvent,
  context: unknown,
) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
let handler: Handler;
let repo: TicketRepository;

beforeAll(async () => {
  table = await freshTable();
  ses = await fakeAwsJsonService();
  const { inject } = await import('vitest');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.url);
  vi.stubEnv('TABLE_NAME', table.tableName);
  vi.stubEnv('SUPPORT_ADDRESS', 'support@example.com');
  vi.stubEnv('PUBLIC_BASE_URL', 'https://help.example.com');
  vi.stubEnv('FRONTDOOR_LINK_SECRET', 'test-link-secret');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = (await import('../../functions/send-notification/handler')) as unknown as {
    handler: Handler;
  });
  repo = new TicketRepository(table.db, table.tableName);
});
afterAll(async () => {
  await table.drop();
  await ses.close();
});

/** Forgets the calls so far and answers SendEmail with `answer`. */
function sesAnswers(answer: Parameters<typeof ses.answerWith>[0]) {
  ses.calls.length = 0;
  ses.answerWith(answer);
}

const aDispute = (fields: Record<string, string>) =>
  storedTicket(repo, {
    channel: 'email',
    source: 'email',
    subject: 'Invoice wrong',
    body: 'hi',
    requester: { email: 'dana@bigcorp.example', name: 'Dana' },
    requestType: 'billing_dispute',
    fields,
    tags: [],
    firstMessage: { messageId: 'orig-1@customer.example' },
  });

const sqs = (body: unknown, messageId = 'm-1') => sqsEvent(body, messageId);
const envelope = (e: ReturnType<typeof ticketCreatedEvent>) => ({
  id: crypto.randomUUID(),
  source: 'frontdoor',
  'detail-type': e.type,
  detail: e.detail,
});

describe('send-notification', () => {
  it('sends the acknowledgement once when SQS delivers the same event twice, and records it on the ticket', async () => {
    sesAnswers(() => ({ json: { MessageId: 'ses-1' } }));
    const ticket = await aDispute({ invoiceId: 'INV-1', customerId: 'C-1' });
    const event = envelope(ticketCreatedEvent(ticket));

    expect(await handler(sqs(event), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(await handler(sqs(event, 'm-2'), lambdaContext)).toEqual({ batchItemFailures: [] });

    const sent = sentMails();
    expect(sent).toHaveLength(1);
    const input = sent[0];
    expect(input?.Content?.Simple?.Subject?.Data).toContain(`[${ticket.reference}]`);
    expect(input?.Content?.Simple?.Headers).toEqual(
      expect.arrayContaining([
        { Name: 'Auto-Submitted', Value: 'auto-replied' },
        { Name: 'In-Reply-To', Value: '<orig-1@customer.example>' },
      ]),
    );
    const history = await repo.history(ticket.id);
    expect(history?.messages.filter((m) => m.direction === 'outbound')).toEqual([
      expect.objectContaining({ messageId: 'ses-1@us-east-1.amazonses.com', template: 'acknowledgement' }),
    ]);
    expect(await repo.ticketIdForMessageId('ses-1@us-east-1.amazonses.com')).toBe(ticket.id);
  });

  it('puts a signed link to only the missing fields in the needs-info mail', async () => {
    sesAnswers(() => ({ json: { MessageId: 'ses-2' } }));
    const ticket = await aDispute({ invoiceId: 'INV-1' });
    await handler(sqs(envelope(ticketCreatedEvent(ticket)), 'm-3'), lambdaContext);
    const text = sentMails()[0]?.Content.Simple.Body.Text.Data ?? '';
    expect(text).toMatch(/https:\/\/help\.example\.com\/forms\/context\/[\w-]+\.[\w-]+/);
    expect(text).toContain('  - Customer ID');
    expect(text).not.toContain('  - Invoice ID');
  });

  it('reports a failed send for that record only, so SQS retries it (and its DLQ catches the rest)', async () => {
    const failing = await aDispute({ invoiceId: 'INV-1', customerId: 'C-1' });
    const fine = await aDispute({ invoiceId: 'INV-2', customerId: 'C-2' });
    sesAnswers((call) =>
      String((call.body as unknown as SendEmailBody).Content.Simple.Subject.Data).includes(failing.reference)
        ? { status: 400, errorType: 'MessageRejected' }
        : { json: { MessageId: 'ses-3' } },
    );
    const batch = sqs(envelope(ticketCreatedEvent(failing)), 'm-4');
    batch.Records.push({
      ...sqs(envelope(ticketCreatedEvent(fine)), 'm-5').Records[0],
      messageId: 'm-5',
    } as SQSEvent['Records'][number]);
    expect(await handler(batch, lambdaContext)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-4' }] });
    // Every record failing makes the whole invocation fail, and SQS redelivers the batch.
    await expect(handler(sqs(envelope(ticketCreatedEvent(failing)), 'm-6'), lambdaContext)).rejects.toThrow(
      /All records failed/,
    );
  });
});
