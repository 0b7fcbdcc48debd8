import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { logger } from '../../shared/adapters/logger';
import { authorize } from '../../shared/http/access';
import { KbSearchQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { helpArticleUrl } from '../../shared/http/help-page';
import { parseWith } from '../../shared/http/request';
import { suggestArticles } from '../../shared/use-cases/articles';

// Module scope: the index is built once per instance and rebuilt only when the KB moved.
const ports = articlePorts();

/**
 * `GET /v1/kb/search?q=&requestType=&limit=` (public, throttled): 200 `{ hits: [{ slug, title, audience,
 * score, requestTypes, url }] }`, published external articles only, each with its help-centre page.
 * `GET /v1/kb/internal-search?q=…` (agents, leads, admins): the same over both audiences (`url` for the
 * external ones). An empty `q` finds nothing.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const internal = event.routeKey === 'GET /v1/kb/internal-search';
    if (internal) authorize(event);
    const q = parseWith(KbSearchQuery, event.queryStringParameters ?? {});
    const hits = await suggestArticles(
      q.q,
      {
        audience: internal ? 'all' : 'external',
        limit: q.limit,
        ...(q.requestType ? { requestType: q.requestType } : {}),
      },
      ports,
    );
    return json(200, {
      hits: hits.map((h) => (h.audience === 'external' ? { ...h, url: helpArticleUrl(h.slug) } : h)),
    });
  });
