import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import {
  type Actor,
  type DomainError,
  isTicketId,
  NotFoundError,
  parseReference,
  type TicketScope,
} from '../domain';
import type { TicketRepositoryPort } from '../use-cases/ports';
import { type AgentChangeResult, StaleVersionError } from '../use-cases/ticket-change';
import { authorize, scopeOf, scopeRefusal } from './access';
import { HttpError, type HttpResult, json } from './errors';
import { type Contract, header, jsonBody, pathParameter } from './request';

/** The ticket a `/v1/tickets/{id}` route names, by ULID or `FD-<n>`; 404 when there is none. */
export async function ticketIdFrom(
  event: Pick<APIGatewayProxyEventV2, 'pathParameters'>,
  tickets: Pick<TicketRepositoryPort, 'ticketIdForReference'>,
): Promise<string> {
  const id = pathParameter(event, 'id');
  const ticketId = isTicketId(id)
    ? id
    : parseReference(id)
      ? await tickets.ticketIdForReference(id)
      : undefined;
  if (!ticketId) throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${id} not found`);
  return ticketId;
}

/** Writes to a ticket take `If-Match: <version>` (DESIGN.md): 428 when it is missing or not a version. */
export function expectedVersion(event: Pick<APIGatewayProxyEventV2, 'headers'>): number {
  const ifMatch = header(event, 'If-Match')?.replace(/^W\//, '').replace(/"/g, '');
  if (!ifMatch || !/^\d+$/.test(ifMatch)) {
    throw new HttpError(
      428,
      'precondition_required',
      'send If-Match: <ticket version> (from GET /v1/tickets/{id})',
    );
  }
  return Number(ifMatch);
}

/**
 * An agent's ticket write as the API answers it: 200 with the ticket (ETag = version), 404, 403 when the
 * ticket is out of the caller's queues (rule `own-queues`), 409 with the version to retry from, or the
 * domain's refusal (answered from the error table).
 */
export function ticketWriteResponse<E extends DomainError>(
  result: AgentChangeResult<E>,
  ticketId: string,
): HttpResult {
  switch (result.kind) {
    case 'not_found':
      throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${ticketId} not found`);
    case 'forbidden':
      throw scopeRefusal(result.refusal);
    case 'stale':
      throw new StaleVersionError(result.currentVersion);
    case 'refused':
      throw result.error;
    case 'changed':
      return json(200, { ticket: result.ticket }, { etag: `"${result.ticket.version}"` });
  }
}

/**
 * The parts of an agent's ticket write, checked in the order the API promises: the caller's role for this
 * route (403), the ticket (404), `If-Match` (428), the body (400).
 */
export async function agentWriteRequest<T>(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  tickets: Pick<TicketRepositoryPort, 'ticketIdForReference'>,
  body: Contract<T>,
): Promise<{
  caller: ReturnType<typeof authorize>;
  /** The tickets the caller may change (queue isolation): the use case checks the ticket it reads. */
  scope: TicketScope;
  actor: Actor;
  ticketId: string;
  version: number;
  body: T;
}> {
  const caller = authorize(event);
  const ticketId = await ticketIdFrom(event, tickets);
  const version = expectedVersion(event);
  const parsed = jsonBody(event, body);
  return {
    caller,
    scope: scopeOf(caller),
    actor: { kind: 'agent', id: caller.email ?? caller.sub },
    ticketId,
    version,
    body: parsed,
  };
}
