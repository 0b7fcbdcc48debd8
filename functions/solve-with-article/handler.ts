import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { verifyArticleSolvedLink } from '../../shared/http/deflection-link';
import { solvedMessage, solvedThankYouPage } from '../../shared/http/deflection-page';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { linkRefused, linkRefusedPage, notFoundPage } from '../../shared/http/link-pages';
import { isFormPost, pathParameter } from '../../shared/http/request';
import { solveWithArticle } from '../../shared/use-cases/deflection';

const ports = ticketPorts();

/**
 * The button of a "this solved it" page (issue 18): `POST /v1/kb/solved/{token}` records, once per ticket
 * and article, that the article solved it and resolves an open ticket as self-served (audit
 * `article.solved`, `ticket.state_changed` cause `self_service`); the page's form post (urlencoded) is
 * answered with a page, anything else with JSON `{ reference, slug, recorded, selfServed, state }`.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const isForm = isFormPost(event);
    const check = verifyArticleSolvedLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      if (!isForm) throw linkRefused('resolution', check.reason);
      return linkRefusedPage('resolution', check.reason);
    }
    const result = await solveWithArticle(check.link, ports);
    if (result.kind === 'not_found') {
      if (isForm) return notFoundPage();
      throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
    }
    const recorded = result.kind === 'recorded';
    const message = solvedMessage(result.selfServed, recorded);
    if (isForm) return solvedThankYouPage(result.ticket, message);
    return json(200, {
      reference: result.ticket.reference,
      slug: check.link.slug,
      recorded,
      selfServed: result.selfServed,
      state: result.ticket.state,
      message,
    });
  });
