// The hosted help centre's pages (`GET /help`, `GET /help/{slug}`): server-rendered, accessible, no
// script, in the hosted forms' document (./form-page/html.ts) under the same strict CSP. The index lists
// the published external articles by request type and has a search box (a plain GET form to `/help?q=`);
// an article page shows the body as renderMarkdown sanitised it. Pure functions: no I/O.
import type { Article } from '../domain/articles';
import type { HttpResult } from './errors';
import { createNonce, formPageHeaders } from './form-page';
import { escapeHtml as e, htmlDocument } from './form-page/html';

/** Where an article lives in the help centre (relative: prefix the public base URL for mail). */
export const helpArticleUrl = (slug: string): string => `/help/${encodeURIComponent(slug)}`;

/** What the help centre shows beyond the hosted forms' styles: the search box, lists, article typography. */
const HELP_CSS = `<style>
.search { display: flex; gap: .5rem; align-items: flex-end; flex-wrap: wrap; margin: 0 0 2rem; }
.search div { flex: 1 1 16rem; }
.search input { display: block; width: 100%; min-height: 2.75rem; padding: .5rem .625rem; font: inherit; border: 2px solid #4a4a4a; border-radius: 4px; }
.articles { margin: 0 0 2rem; padding-left: 1.25rem; }
.articles li { margin: 0 0 .5rem; }
.crumbs { margin: 0 0 1rem; }
.article pre { overflow-x: auto; padding: .75rem; background: #f3f3f3; border-radius: 4px; }
.article code { font-size: .95em; }
.article img { max-width: 100%; height: auto; }
.article table { border-collapse: collapse; margin: 0 0 1rem; }
.article th, .article td { border: 1px solid #4a4a4a; padding: .25rem .5rem; text-align: left; }
.article blockquote { margin: 0 0 1rem; padding-left: 1rem; border-left: 4px solid #4a4a4a; }
.more { margin-top: 2.5rem; padding-top: 1rem; border-top: 1px solid #4a4a4a; }
</style>`;

export interface HelpGroup {
  readonly label: string;
  readonly articles: ReadonlyArray<Pick<Article, 'slug' | 'title'>>;
}

export interface HelpIndexOptions {
  readonly title: string;
  readonly groups: readonly HelpGroup[];
  /** The search, when the customer searched: the query and its hits, best first. */
  readonly search?: { readonly query: string; readonly hits: ReadonlyArray<{ slug: string; title: string }> };
}

const articleList = (articles: ReadonlyArray<{ slug: string; title: string }>): string =>
  [
    '<ul class="articles">',
    ...articles.map((a) => `  <li><a href="${e(helpArticleUrl(a.slug))}">${e(a.title)}</a></li>`),
    '</ul>',
  ].join('\n');

const searchForm = (query: string): string =>
  [
    '<form class="search" role="search" action="/help" method="get">',
    '  <div><label for="q">Search the help centre</label>',
    `  <input type="search" id="q" name="q" value="${e(query)}" maxlength="500" autocomplete="off"></div>`,
    '  <button type="submit" class="button">Search</button>',
    '</form>',
  ].join('\n');

const stillNeedHelp = (href = '/forms'): string =>
  `<p class="more">Still need help? <a href="${e(href)}">Contact support</a>.</p>`;

/** The help centre's front page: the search box, then the results (when searched) or the articles by topic. */
export function renderHelpIndex(opts: HelpIndexOptions): string {
  const results = opts.search
    ? [
        '<section aria-labelledby="results">',
        `<h2 id="results">${opts.search.hits.length === 0 ? 'No articles match' : `Articles matching`} “${e(opts.search.query)}”</h2>`,
        opts.search.hits.length > 0
          ? articleList(opts.search.hits)
          : '<p>Try other words, or browse the topics below.</p>',
        '</section>',
      ]
    : [];
  const topics = opts.groups.length
    ? opts.groups.flatMap((g, i) => [
        `<section aria-labelledby="topic-${i}">`,
        `<h2 id="topic-${i}">${e(g.label)}</h2>`,
        articleList(g.articles),
        '</section>',
      ])
    : ['<p>There are no articles yet.</p>'];
  const body = [
    HELP_CSS,
    `<h1>${e(opts.title)}</h1>`,
    searchForm(opts.search?.query ?? ''),
    ...results,
    ...topics,
    stillNeedHelp(),
  ].join('\n');
  return htmlDocument({
    lang: 'en',
    title: opts.search ? `${opts.search.query} – ${opts.title}` : opts.title,
    body,
  });
}

/** One article: a way back, its title, its sanitised HTML, and the form of its request type. */
export function renderHelpArticle(opts: {
  readonly article: Pick<Article, 'title' | 'locale' | 'requestTypes' | 'updatedAt'>;
  /** renderMarkdown's output: sanitised already, put in as it is. */
  readonly html: string;
  readonly helpTitle: string;
}): string {
  const [requestType] = opts.article.requestTypes;
  const body = [
    HELP_CSS,
    `<nav class="crumbs" aria-label="Breadcrumb"><a href="/help">${e(opts.helpTitle)}</a></nav>`,
    '<article class="article">',
    `<h1>${e(opts.article.title)}</h1>`,
    opts.html,
    '</article>',
    `<p class="hint">Updated <time datetime="${e(opts.article.updatedAt)}">${e(opts.article.updatedAt.slice(0, 10))}</time></p>`,
    stillNeedHelp(requestType ? `/forms/${encodeURIComponent(requestType)}` : '/forms'),
  ].join('\n');
  return htmlDocument({
    lang: opts.article.locale,
    title: `${opts.article.title} – ${opts.helpTitle}`,
    body,
  });
}

/** A help-centre page as the API answers it, under the hosted pages' CSP. */
export function helpPage(statusCode: number, html: string): HttpResult {
  return { statusCode, headers: formPageHeaders(createNonce()), body: html };
}

/**
 * An article body shown without its Markdown rendering: each paragraph escaped, in a `<p>`. What read-kb
 * serves for an article whose rendered HTML was not kept (written before write-article kept it); saving the
 * article again, or `npm run kb:import`, keeps it.
 */
export function plainArticleHtml(body: string): string {
  return body
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${e(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
