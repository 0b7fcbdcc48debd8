import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { ContextAnswerBody } from '../../shared/http/form-contract';
import { linkRefused } from '../../shared/http/link-pages';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { verifyLink } from '../../shared/http/signed-link';
import { supplyContextFromLink } from '../../shared/use-cases/supply-context';

const ports = ticketPorts();

/**
 * The answer to the needs-info link (whose form is `show-context-form`): `POST /v1/context/{token}` takes
 * the missing fields and moves the ticket on.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) throw linkRefused('needsInfo', check.reason);

    const { fields: values } = jsonBody(event, ContextAnswerBody);
    const result = await supplyContextFromLink({ link: check.link, values }, ports);
    if (result.kind === 'not_found') throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
    if (result.kind === 'rejected') throw new InvalidInputError(result.issues);
    const { ticket } = result;
    return json(200, {
      ticketId: ticket.id,
      reference: ticket.reference,
      state: ticket.state,
      missingFields: ticket.missingFields,
    });
  });
