import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { documentClient } from '../../shared/adapters/clients';
import { DeflectionLedger } from '../../shared/adapters/deflection-ledger';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { type Article, groupByRequestType } from '../../shared/domain/articles';
import { NotFoundError } from '../../shared/domain/errors';
import { authorize } from '../../shared/http/access';
import { HelpQuery, KbSearchQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { renderMessagePage } from '../../shared/http/form-page';
import {
  helpArticleUrl,
  helpPage,
  plainArticleHtml,
  renderHelpArticle,
  renderHelpIndex,
} from '../../shared/http/help-page';
import { parseWith, pathParameter } from '../../shared/http/request';
import { listArticles, readArticle, suggestArticles } from '../../shared/use-cases/articles';
import { recordArticleView } from '../../shared/use-cases/deflection';

// Module scope: one search index per instance for every read route, rebuilt only when the KB moved.
const ports = articlePorts();
const TITLE = 'Help centre';
const CUSTOMER = { audience: 'external', drafts: false } as const;
type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
/** Article views for the flow metrics (issue 18, KB deflection). */
const views = {
  ledger: new DeflectionLedger(documentClient(), requiredEnv('TABLE_NAME')),
  clock: ports.clock,
};

/**
 * The body's HTML as write-article rendered and sanitised it when this version was written (this function
 * carries no Markdown renderer: issue 21); an article written before renders were kept shows as plain text.
 */
async function htmlOf(article: Article): Promise<string> {
  const rendered = await ports.articles.renderedHtml(article);
  if (rendered !== undefined) return rendered;
  logger.warn('article shown without its rendering: save it again (or npm run kb:import) to keep one', {
    slug: article.slug,
    version: article.version,
  });
  return plainArticleHtml(article.body);
}

const labelOf = (requestType: string): string =>
  workflowConfig.requestTypes[requestType]?.label ?? (requestType === 'general' ? 'General' : requestType);

/**
 * `GET /v1/kb/search?q=&requestType=&limit=` (public, throttled): 200 `{ hits: [{ slug, title, audience,
 * score, requestTypes, url }] }`, published external articles only, each with its help-centre page.
 * `GET /v1/kb/internal-search?q=…` (agents, leads, admins): the same over both audiences (`url` for the
 * external ones). An empty `q` finds nothing.
 */
async function search(event: Event, internal: boolean): Promise<HttpResult> {
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
}

/**
 * `GET /v1/kb/articles`: 200 `{ articles }` (both audiences; drafts for leads and admins), slug order.
 * `GET /v1/kb/articles/{slug}`: 200 `{ article, html }` (`html`: the body rendered and sanitised), ETag =
 * version for the If-Match of an update; 404 for a draft an agent may not see.
 */
async function articles(event: Event): Promise<HttpResult> {
  const caller = authorize(event);
  const reader = {
    audience: 'all',
    drafts: caller.roles.some((r) => r === 'lead' || r === 'admin'),
  } as const;
  if (event.routeKey === 'GET /v1/kb/articles')
    return json(200, { articles: await listArticles(reader, ports) });
  const article = await readArticle(pathParameter(event, 'slug'), reader, ports);
  return json(200, { article, html: await htmlOf(article) }, { etag: `"${article.version}"` });
}

/** `GET /help[?q=]`: the published external articles by request type, and with `q` the best matches first. */
async function helpIndex(event: Event): Promise<HttpResult> {
  const query = parseWith(HelpQuery, event.queryStringParameters ?? {}).q.trim();
  const [all, hits] = await Promise.all([
    listArticles(CUSTOMER, ports),
    query ? suggestArticles(query, { audience: 'external', limit: 10 }, ports) : Promise.resolve([]),
  ]);
  const groups = groupByRequestType(all).map((g) => ({
    label: labelOf(g.requestType),
    articles: g.articles,
  }));
  return helpPage(
    200,
    renderHelpIndex({ title: TITLE, groups, ...(query ? { search: { query, hits } } : {}) }),
  );
}

/** `GET /help/{slug}`: one published external article, rendered and sanitised; a 404 page for any other. */
async function helpArticle(event: Event): Promise<HttpResult> {
  try {
    const article = await readArticle(pathParameter(event, 'slug'), CUSTOMER, ports);
    // A view counts where it came from (`?from=form|mail`, else the help centre); a failed count never
    // fails the page.
    await recordArticleView(article.slug, event.queryStringParameters?.from, views).catch((error: unknown) =>
      logger.warn('article view not counted', { slug: article.slug, error }),
    );
    return helpPage(200, renderHelpArticle({ article, html: await htmlOf(article), helpTitle: TITLE }));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const message = 'There is no such article in the help centre.';
    return helpPage(404, renderMessagePage({ title: 'Article not found', message, status: 'error' }));
  }
}

/** The knowledge base's read routes: one function, so search, the API and the help centre share one index. */
export const handler = middy<Event, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    switch (event.routeKey) {
      case 'GET /v1/kb/search':
        return search(event, false);
      case 'GET /v1/kb/internal-search':
        return search(event, true);
      case 'GET /help':
        return helpIndex(event);
      case 'GET /help/{slug}':
        return helpArticle(event);
      default:
        return articles(event);
    }
  });
