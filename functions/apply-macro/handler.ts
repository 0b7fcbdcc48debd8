import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { macroPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { pathParameter } from '../../shared/http/request';
import { expectedVersion, ticketIdFrom, ticketWriteResponse } from '../../shared/http/ticket-write';
import { applyMacroAsAgent, previewMacro } from '../../shared/use-cases/macros';

const ports = macroPorts();

/**
 * `POST /v1/tickets/{id}/macros/{macroId}/preview`: 200 `{ macro, version, reply?, changes, refusal? }`,
 * what applying it now would do (or why it would be refused), nothing written.
 * `POST /v1/tickets/{id}/macros/{macroId}` with `If-Match`: the reply and every action in one write, 200
 * `{ ticket, macro, reply?, changes }`; 409 stale, 404 unknown macro, 422 `macro_refused` naming the
 * action and the rule (nothing written).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const ticketId = await ticketIdFrom(event, ports.tickets);
    const macroId = pathParameter(event, 'macroId');
    const request = {
      ticketId,
      macroId,
      actor: { kind: 'agent' as const, id: caller.email ?? caller.sub },
      agentEmail: caller.email ?? caller.sub,
      scope: scopeOf(caller),
    };
    if (event.routeKey.endsWith('/preview')) {
      const preview = await previewMacro(request, ports);
      if (preview.kind === 'not_found')
        throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${ticketId} not found`);
      if (preview.kind === 'forbidden') throw scopeRefusal(preview.refusal);
      const { kind: _, refusal, ...rest } = preview;
      return json(200, {
        macro: macroId,
        ...rest,
        ...(refusal
          ? { refusal: { rule: refusal.rule, action: refusal.action, message: refusal.message } }
          : {}),
      });
    }
    const result = await applyMacroAsAgent({ ...request, expectedVersion: expectedVersion(event) }, ports);
    if (result.kind !== 'changed') return ticketWriteResponse(result, ticketId);
    const { kind: _, ...applied } = result;
    return json(200, { macro: macroId, ...applied }, { etag: `"${result.ticket.version}"` });
  });
