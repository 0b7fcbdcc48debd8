import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { type HttpResult, httpErrors, httpStatusOf } from '../../shared/http/errors';
import { contextJsonSchema } from '../../shared/http/form-contract';
import {
  createNonce,
  formPageHeaders,
  type MessagePageOptions,
  renderFormPage,
  renderMessagePage,
} from '../../shared/http/form-page';
import { linkRefused } from '../../shared/http/link-pages';
import { pathParameter } from '../../shared/http/request';
import { verifyLink } from '../../shared/http/signed-link';

const ports = ticketPorts();

/**
 * The needs-info link: `GET /forms/context/{token}` renders a form asking ONLY for the fields the ticket
 * still misses; the form posts the answer to `supply-context` (`POST /v1/context/{token}`).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      const refused = linkRefused('needsInfo', check.reason);
      return messagePage(httpStatusOf(refused), {
        title: 'Link not usable',
        message: refused.message,
        status: 'error',
      });
    }

    const ticket = await ports.tickets.get(check.link.ticketId);
    if (!ticket) throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
    const stillMissing = check.link.fields.filter((f) => ticket.missingFields.includes(f));
    if (stillMissing.length === 0)
      return messagePage(200, {
        title: `Thank you — ${ticket.reference}`,
        message: 'We already have everything we asked for.',
        status: 'info',
      });

    const schema = contextJsonSchema(ports.config, ticket.requestType, stillMissing) ?? {};
    const nonce = createNonce();
    return {
      statusCode: 200,
      headers: formPageHeaders(nonce),
      body: renderFormPage({
        title: `A few details for ${ticket.reference}`,
        intro: `To work on "${ticket.subject}" we need the following.`,
        schema,
        submitUrl: `/v1/context/${token}`,
        submitLabel: 'Send details',
        successMessage: 'Thank you. Your request is moving again.',
        nonce,
      }),
    };
  });

function messagePage(statusCode: number, opts: MessagePageOptions): HttpResult {
  return { statusCode, headers: formPageHeaders(createNonce()), body: renderMessagePage(opts) };
}
