import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articleStorePorts } from '../../shared/adapters/article-ports';
import { logger } from '../../shared/adapters/logger';
import { authorize } from '../../shared/http/access';
import { ArticleBody, ArticlePath, ArticlePreviewBody } from '../../shared/http/contracts';
import { HttpError, type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { renderMarkdown } from '../../shared/http/markdown';
import { header, jsonBody, parseWith } from '../../shared/http/request';
import { putArticle } from '../../shared/use-cases/articles';

// Each write keeps the body's HTML beside the article: read-kb serves it without the renderer.
const ports = articleStorePorts(renderMarkdown);

/** `If-Match: <version>` when given (an update needs it: the use case says so); 428 when it is not a version. */
function ifMatch(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'headers'>): number | undefined {
  const raw = header(event, 'If-Match')?.replace(/^W\//, '').replace(/"/g, '').trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HttpError(
      428,
      'precondition_required',
      'If-Match must be the article version (from GET /v1/kb/articles/{slug})',
    );
  }
  return Number(raw);
}

/**
 * `PUT /v1/kb/articles/{slug}` (leads, admins): body `{ title, body, audience, requestTypes?, tags?, locale?,
 * status? }` → 201 (created) or 200 (updated) `{ article }`, ETag = version. An update takes `If-Match`
 * (428 without it, 409 `stale_version` with `currentVersion` when it is old).
 * `POST /v1/kb/preview` `{ body }` → 200 `{ html }`: the Markdown as the help centre would show it.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    if (event.routeKey === 'POST /v1/kb/preview') {
      return json(200, { html: renderMarkdown(jsonBody(event, ArticlePreviewBody).body) });
    }
    const { slug } = parseWith(ArticlePath, { slug: event.pathParameters?.slug ?? '' });
    const version = ifMatch(event);
    const input = jsonBody(event, ArticleBody);
    const { article, created } = await putArticle(
      slug,
      input,
      { ifMatch: version, author: caller.email ?? caller.sub },
      ports,
    );
    return json(created ? 201 : 200, { article }, { etag: `"${article.version}"` });
  });
