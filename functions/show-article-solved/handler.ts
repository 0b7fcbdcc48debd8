import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { verifyArticleSolvedLink } from '../../shared/http/deflection-link';
import { solvedQuestionPage } from '../../shared/http/deflection-page';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { linkRefusedPage, notFoundPage } from '../../shared/http/link-pages';
import { pathParameter } from '../../shared/http/request';

const ports = { ...storePorts(), articles: articlePorts().articles };

/**
 * The "this solved it" links of an acknowledgement (issue 18): `GET /kb/solved/{token}` only SHOWS the
 * article and a button; it never records (mail scanners and link previews fetch every link in a mail).
 * The button posts to `solve-with-article`.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyArticleSolvedLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) return linkRefusedPage('resolution', check.reason);
    const ticket = await ports.tickets.get(check.link.ticketId);
    if (!ticket) return notFoundPage();
    const article = await ports.articles.get(check.link.slug);
    return solvedQuestionPage(
      ticket,
      { slug: check.link.slug, title: article?.title ?? check.link.slug },
      token,
    );
  });
