import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { approvalPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { helpArticleUrl } from '../../shared/http/help-page';
import { pathParameter } from '../../shared/http/request';
import { InvalidTicketIdError } from '../../shared/use-cases/get-ticket';
import { suggestArticlesForTicket } from '../../shared/use-cases/ticket-articles';

const ports = { ...approvalPorts(), search: articlePorts().search };
const publicBase = requiredEnv('PUBLIC_BASE_URL').replace(/\/$/, '');

/**
 * `GET /v1/tickets/{id}/kb-suggestions` (ULID or `FD-<n>`): `{ external: [{ slug, title, audience, score,
 * requestTypes, url }], internal: [...] }`, up to three published articles of each audience for the
 * ticket's subject and first message, those about its request type first. An external one's `url` is its
 * help-centre page (`/help/{slug}` on the public base URL), the link an agent puts in a reply. Readable
 * by whoever may work the ticket (403 naming the rule otherwise).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const id = pathParameter(event, 'id');
    const result = await suggestArticlesForTicket({ idOrReference: id, scope: scopeOf(caller) }, ports);
    if (result.kind === 'invalid_id') throw new InvalidTicketIdError(id);
    if (result.kind === 'not_found') throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${id} not found`);
    if (result.kind === 'forbidden') throw scopeRefusal(result.refusal);
    return json(200, {
      external: result.external.map((hit) => ({ ...hit, url: `${publicBase}${helpArticleUrl(hit.slug)}` })),
      internal: result.internal,
    });
  });
