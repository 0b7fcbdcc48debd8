import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize, scopeOf } from '../../shared/http/access';
import { EscalateBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { expectedVersion, ticketIdFrom, ticketWriteResponse } from '../../shared/http/ticket-write';
import { escalateByAgent } from '../../shared/use-cases/escalation';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/escalate` `{ reason }`: the next step of the ticket's escalation path.
 * `POST /v1/tickets/{id}/escalation/acknowledge`: the receiving group takes the current step.
 * Both with `If-Match: <version>`: 200, 409 stale, 422 when there is nothing to do (naming why).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const ticketId = await ticketIdFrom(event, ports.tickets);
    const version = expectedVersion(event);
    const acknowledging = event.rawPath.endsWith('/escalation/acknowledge');
    const action = acknowledging
      ? { kind: 'acknowledge' as const }
      : { kind: 'escalate' as const, reason: jsonBody(event, EscalateBody).reason };
    const result = await escalateByAgent(
      {
        ticketId,
        expectedVersion: version,
        actor: { kind: 'agent', id: caller.email ?? caller.sub },
        scope: scopeOf(caller),
        action,
      },
      ports,
    );
    return ticketWriteResponse(result, ticketId);
  });
