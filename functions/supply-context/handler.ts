import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { workflowConfig } from '../../shared/config';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { type HttpResult, httpErrors, httpStatusOf, json } from '../../shared/http/errors';
import { ContextAnswerBody, contextJsonSchema } from '../../shared/http/form-contract';
import { formPageHeaders, renderFormPage, renderMessagePage } from '../../shared/http/form-page';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { type LinkCheck, LinkRefusedError, verifyLink } from '../../shared/http/signed-link';
import { supplyContextFromLink } from '../../shared/use-cases/supply-context';

const ports = ticketPorts();

const refusal: Record<Exclude<LinkCheck, { ok: true }>['reason'], string> = {
  malformed: 'This link is incomplete. Please use the link from our mail as it is.',
  forged: 'This link is not valid. Please use the link from our mail.',
  expired: 'This link has expired. Reply to our mail with the details instead, and we will pick them up.',
};

/**
 * The needs-info link: `GET /forms/context/{token}` renders a form asking ONLY for the missing fields;
 * `POST /v1/context/{token}` takes the answer and moves the ticket on.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyLink(await linkSecret(), token, ports.clock.now());
    const isPage = event.routeKey.startsWith('GET ');
    if (!check.ok) {
      const refused = new LinkRefusedError(check.reason, refusal[check.reason]);
      if (!isPage) throw refused;
      return {
        statusCode: httpStatusOf(refused),
        headers: formPageHeaders(nonce()),
        body: renderMessagePage({ title: 'Link not usable', message: refused.message, status: 'error' }),
      };
    }

    if (isPage) {
      const ticket = await ports.tickets.get(check.link.ticketId);
      if (!ticket) throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
      const stillMissing = check.link.fields.filter((f) => ticket.missingFields.includes(f));
      if (stillMissing.length === 0) {
        return {
          statusCode: 200,
          headers: formPageHeaders(nonce()),
          body: renderMessagePage({
            title: `Thank you — ${ticket.reference}`,
            message: 'We already have everything we asked for.',
            status: 'info',
          }),
        };
      }
      const schema = contextJsonSchema(workflowConfig, ticket.requestType, stillMissing) ?? {};
      const n = nonce();
      return {
        statusCode: 200,
        headers: formPageHeaders(n),
        body: renderFormPage({
          title: `A few details for ${ticket.reference}`,
          intro: `To work on "${ticket.subject}" we need the following.`,
          schema,
          submitUrl: `/v1/context/${token}`,
          submitLabel: 'Send details',
          successMessage: 'Thank you. Your request is moving again.',
          nonce: n,
        }),
      };
    }

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

function nonce(): string {
  return randomBytes(16).toString('base64');
}
