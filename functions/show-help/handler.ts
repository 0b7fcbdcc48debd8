import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config';
import { groupByRequestType } from '../../shared/domain/articles';
import { NotFoundError } from '../../shared/domain/errors';
import { HelpQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { renderMessagePage } from '../../shared/http/form-page';
import { helpPage, renderHelpArticle, renderHelpIndex } from '../../shared/http/help-page';
import { renderMarkdown } from '../../shared/http/markdown';
import { parseWith, pathParameter } from '../../shared/http/request';
import { listArticles, readArticle, suggestArticles } from '../../shared/use-cases/articles';

const ports = articlePorts();
const TITLE = 'Help centre';
const CUSTOMER = { audience: 'external', drafts: false } as const;
const labelOf = (requestType: string): string =>
  workflowConfig.requestTypes[requestType]?.label ?? (requestType === 'general' ? 'General' : requestType);

/**
 * `GET /help[?q=]`: the published external articles grouped by request type, and with `q` the best
 * matches first. `GET /help/{slug}`: one published external article, rendered and sanitised (404 page
 * for a draft, an internal article or none).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    if (event.routeKey === 'GET /help') {
      const { q } = parseWith(HelpQuery, event.queryStringParameters ?? {});
      const query = q.trim();
      const [articles, hits] = await Promise.all([
        listArticles(CUSTOMER, ports),
        query ? suggestArticles(query, { audience: 'external', limit: 10 }, ports) : Promise.resolve([]),
      ]);
      const groups = groupByRequestType(articles).map((g) => ({
        label: labelOf(g.requestType),
        articles: g.articles,
      }));
      return helpPage(
        200,
        renderHelpIndex({ title: TITLE, groups, ...(query ? { search: { query, hits } } : {}) }),
      );
    }
    try {
      const article = await readArticle(pathParameter(event, 'slug'), CUSTOMER, ports);
      return helpPage(
        200,
        renderHelpArticle({ article, html: renderMarkdown(article.body), helpTitle: TITLE }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return helpPage(
        404,
        renderMessagePage({
          title: 'Article not found',
          message: 'There is no such article in the help centre.',
          status: 'error',
        }),
      );
    }
  });
