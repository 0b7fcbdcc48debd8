/**
 * Reads are defensive: a stored item that does not parse (here the poison of issue 13, a ticket whose
 * requester name is "") never breaks a list or a queue page — it is left out, reported with its key and
 * counted — and a single read of it answers a clear error naming the ticket.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { messageItem, TicketRepository, ticketItem } from '../../shared/adapters/ticket-repository';
import type { UnreadableItem } from '../../shared/adapters/unreadable-items';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket } from '../../shared/domain';
import { UnreadableTicketError } from '../../shared/use-cases/ports';
import { httpEvent, lambdaContext } from '../functions/events';
import { freshTable } from '../support/dynamodb';

// Before the logger is made (at import): the reports below are expected, not noise worth printing.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const now = new Date('2026-11-23T10:00:00.000Z');
const REQUESTER = 'dana@bigcorp.example';

function opened(reference: string, externalId: string) {
  const result = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      externalId,
      subject: 'Question about invoice INV-1',
      body: 'hello',
      requester: { email: REQUESTER, name: 'Dana' },
      requestType: 'general_question',
      fields: {},
      tags: [],
    },
    {
      config: workflowConfig,
      now,
      reference,
      newId: () => newId(now),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!result.ok) throw result.error;
  return result;
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

describe('reads of items that do not parse, against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let repo: TicketRepository;
  const reported: UnreadableItem[] = [];
  const good = opened('FD-1', 'good');
  const poison = opened('FD-2', 'poison');
  const handlers: Record<string, Handler> = {};

  beforeAll(async () => {
    table = await freshTable();
    repo = new TicketRepository(table.db, table.tableName, (item) => reported.push(item));
    await repo.create({ ...good, dedupe: { channel: 'webhook', key: 'demo#good', expiresAt: 1 } });
    await repo.create({ ...poison, dedupe: { channel: 'webhook', key: 'demo#poison', expiresAt: 1 } });
    // What the form once stored: a name the read side refuses. Written directly, as no door can now.
    const item = ticketItem(poison.ticket);
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...item, requester: { email: REQUESTER, name: '' } },
      }),
    );
    // And a message of the good ticket that lost its body.
    const { body: _lost, ...broken } = messageItem({ ...good.message, id: newId(now) });
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: broken }));

    const { inject } = await import('vitest');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('TABLE_NAME', table.tableName);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    for (const name of ['get-ticket', 'list-tickets', 'list-queues']) {
      handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
    }
  });
  afterAll(async () => {
    await table.drop();
  });

  it("leaves the item out of the requester's tickets and of its queue page, and reports its key", async () => {
    reported.length = 0;
    const byRequester = await repo.listByRequester(REQUESTER, { limit: 10 });
    expect(byRequester.tickets.map((t) => t.id)).toEqual([good.ticket.id]);
    const page = await repo.listQueue(good.ticket.queue, good.ticket.state, { limit: 10 });
    expect(page.tickets.map((t) => t.id)).toEqual([good.ticket.id]);
    expect(reported).toEqual([
      expect.objectContaining({ pk: `TICKET#${poison.ticket.id}`, sk: 'META', entity: 'ticket' }),
      expect.objectContaining({ pk: `TICKET#${poison.ticket.id}`, sk: 'META', entity: 'ticket' }),
    ]);
    expect(reported[0]?.problems.join(' ')).toContain('requester.name');
    // The key and the problem's path, never the values (no addresses in logs).
    expect(JSON.stringify(reported)).not.toContain(REQUESTER);
  });

  it('answers a single read of it with UnreadableTicketError naming the ticket', async () => {
    await expect(repo.get(poison.ticket.id)).rejects.toThrow(UnreadableTicketError);
    await expect(repo.history(poison.ticket.id)).rejects.toMatchObject({
      name: 'UnreadableTicketError',
      ticketId: poison.ticket.id,
    });
  });

  it('leaves an unreadable message out of its ticket, which still opens', async () => {
    reported.length = 0;
    const history = await repo.history(good.ticket.id);
    expect(history?.messages).toEqual([good.message]);
    expect(reported).toEqual([
      expect.objectContaining({ entity: 'message', pk: `TICKET#${good.ticket.id}` }),
    ]);
  });

  it('the API answers GET /v1/tickets/{id} of it with 500 unreadable_ticket naming it, and its lists with 200 without it', async () => {
    const claims = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };
    const call = async (name: string, event: object) => {
      const res = await handlers[name]?.(event, lambdaContext);
      if (!res) throw new Error(`no handler ${name}`);
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
    };
    const single = await call(
      'get-ticket',
      httpEvent({
        method: 'GET',
        path: `/v1/tickets/${poison.ticket.reference}`,
        routeKey: 'GET /v1/tickets/{id}',
        pathParameters: { id: poison.ticket.reference },
        claims,
      }),
    );
    expect(single).toMatchObject({
      status: 500,
      body: { error: 'unreadable_ticket', ticketId: poison.ticket.id },
    });

    const search = await call('list-tickets', {
      ...httpEvent({ method: 'GET', path: '/v1/tickets', routeKey: 'GET /v1/tickets', claims }),
      queryStringParameters: { requester: REQUESTER },
    });
    expect(search.status).toBe(200);
    expect((search.body.tickets as Array<{ id: string }>).map((t) => t.id)).toEqual([good.ticket.id]);

    const queue = await call(
      'list-queues',
      httpEvent({
        method: 'GET',
        path: `/v1/queues/${good.ticket.queue}/tickets`,
        routeKey: 'GET /v1/queues/{queue}/tickets',
        pathParameters: { queue: good.ticket.queue },
        claims,
      }),
    );
    expect(queue.status).toBe(200);
    expect((queue.body.tickets as Array<{ id: string }>).map((t) => t.id)).toEqual([good.ticket.id]);
  });
});
