import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { intentMarkerPorts } from '../../shared/adapters/intent-ports';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { IntentLabelBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { labelTicketIntent } from '../../shared/use-cases/intent';

const ports = { ...ticketPorts(), models: intentMarkerPorts().models };

/**
 * `PUT /v1/tickets/{id}/intent` `{ intent }` with `If-Match`: the agent confirms the predicted intent or
 * corrects it; 200 with the ticket (its `intent.label`), 422 naming the intents allowed. The label is
 * what the next training learns from (issue 19).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, IntentLabelBody);
    const result = await labelTicketIntent(
      {
        ticketId: req.ticketId,
        expectedVersion: req.version,
        scope: req.scope,
        actor: req.actor,
        intent: req.body.intent,
      },
      ports,
    );
    return ticketWriteResponse(result, req.ticketId);
  });
