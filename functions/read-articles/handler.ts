import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { logger } from '../../shared/adapters/logger';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { renderMarkdown } from '../../shared/http/markdown';
import { pathParameter } from '../../shared/http/request';
import { listArticles, readArticle } from '../../shared/use-cases/articles';

const ports = articlePorts();

/**
 * `GET /v1/kb/articles`: 200 `{ articles }` (both audiences; drafts for leads and admins), slug order.
 * `GET /v1/kb/articles/{slug}`: 200 `{ article, html }` (`html`: the body rendered and sanitised), ETag =
 * version for the If-Match of an update; 404 for a draft an agent may not see.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const reader = {
      audience: 'all',
      drafts: caller.roles.some((r) => r === 'lead' || r === 'admin'),
    } as const;
    if (event.routeKey === 'GET /v1/kb/articles') {
      return json(200, { articles: await listArticles(reader, ports) });
    }
    const article = await readArticle(pathParameter(event, 'slug'), reader, ports);
    return json(200, { article, html: renderMarkdown(article.body) }, { etag: `"${article.version}"` });
  });
