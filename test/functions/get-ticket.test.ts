import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ticketItem } from '../../shared/adapters/ticket-repository';
import { aTicket } from '../domain/builders';
import { httpEvent, lambdaContext } from './events';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
const db = mockClient(DynamoDBDocumentClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;
beforeAll(async () => {
  ({ handler } = (await import('../../functions/get-ticket/handler')) as unknown as { handler: Handler });
});

const ticket = aTicket({ reference: 'FD-12' });
const request = (
  id: string,
  claims: Record<string, unknown> = { sub: 'u1', 'cognito:groups': '[agent queue-frontline]' },
) =>
  httpEvent({
    method: 'GET',
    path: `/v1/tickets/${id}`,
    routeKey: 'GET /v1/tickets/{id}',
    pathParameters: { id },
    claims,
  });
const invoke = async (event: unknown) => {
  const res = await handler(event, lambdaContext);
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
};

describe('get-ticket handler', () => {
  beforeEach(() => {
    db.reset();
    db.on(QueryCommand).resolves({ Items: [] });
    db.on(GetCommand).resolves({});
    db.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `TICKET#${ticket.id}` } }).resolves({
      Items: [ticketItem(ticket)],
    });
    db.on(QueryCommand, {
      ExpressionAttributeValues: { ':pk': `TICKET#${ticket.id}`, ':sk': 'APPROVAL#' },
    }).resolves({ Items: [] });
    db.on(GetCommand, { Key: { pk: 'REF#FD-12', sk: 'REF' } }).resolves({ Item: { ticketId: ticket.id } });
  });

  it('returns the ticket with its messages, audit trail, approvals, the states it may move to and what its clock does next', async () => {
    const res = await invoke(request(ticket.id));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ticket,
      messages: [],
      audit: [],
      approvals: [],
      transitions: ['needs_info', 'in_progress'],
      // Nobody touched the new ticket: its idle notice is the clock's next action.
      upcoming: [{ action: 'idle', at: expect.any(String), since: ticket.createdAt }],
    });
  });

  it('finds a ticket by its FD reference', async () => {
    const res = await invoke(request('FD-12'));
    expect((res.body.ticket as { id: string }).id).toBe(ticket.id);
  });

  it('understands group claims both as API Gateway strings and as arrays', async () => {
    expect((await invoke(request(ticket.id, { sub: 'u', 'cognito:groups': ['lead'] }))).status).toBe(200);
    expect((await invoke(request(ticket.id, { sub: 'u', 'cognito:groups': '[lead]' }))).status).toBe(200);
    // An approver reads only tickets carrying an approval of their group; this one carries none.
    const approver = await invoke(request(ticket.id, { sub: 'u', 'cognito:groups': '[approver-finance]' }));
    expect(approver).toMatchObject({ status: 403, body: { rule: 'approver-tickets' } });
  });

  it('refuses a caller without a support group with 403 naming the rule', async () => {
    const res = await invoke(request(ticket.id, { sub: 'u', 'cognito:groups': '[customers]' }));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', rule: 'route-roles' });
    expect(res.body.message).toMatch(/reading a ticket needs the role agent or lead or approver or admin/);
  });

  it('answers 401 when no claims reach it, 404 for an unknown ticket and 400 for a malformed id', async () => {
    expect((await invoke(request(ticket.id, {}))).status).toBe(401);
    expect((await invoke(request('FD-99'))).status).toBe(404);
    expect((await invoke(request('01KAAAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);
    expect((await invoke(request('drop table'))).status).toBe(400);
  });
});
