/**
 * The knowledge base (issue 18) for agents: the list of articles (leads and admins also see drafts, the API
 * decides), a search over both audiences, and one article as the server rendered it. The article's HTML is
 * the only markup this UI ever inserts as HTML, and only because the server sanitised it (no script, no
 * inline handlers, no javascript: URLs); everything else goes in as text.
 */
import type { App, Screen } from '../app';
import { append, field, h } from '../dom';
import { formatDateTime } from '../format';
import { showError } from '../messages';
import { hrefOf } from '../router';
import type { Article, ArticleHit } from '../types';

/** Leads and admins write articles; agents read them. */
export const writesArticles = (app: App): boolean => app.has('lead') || app.has('admin');

/** Puts the server's sanitised HTML into `el` (the one place this UI inserts markup). */
export function showServerHtml(el: HTMLElement, sanitisedHtml: string): HTMLElement {
  el.innerHTML = sanitisedHtml;
  return el;
}

const audienceLabel = (a: Article['audience']): string =>
  a === 'external' ? 'External (customers)' : 'Internal (team)';

function articleRow(a: Article): HTMLElement {
  return h(
    'tr',
    { 'data-slug': a.slug },
    h('th', { scope: 'row' }, h('a', { href: hrefOf({ name: 'article', slug: a.slug }) }, a.title)),
    h('td', {}, audienceLabel(a.audience)),
    h('td', {}, h('span', { class: `badge badge-article-${a.status}` }, a.status)),
    h('td', {}, a.requestTypes.join(', ') || '—'),
    h('td', {}, a.tags.join(', ') || '—'),
    h('td', {}, a.locale),
    h('td', {}, h('time', { datetime: a.updatedAt }, formatDateTime(a.updatedAt)), ` by ${a.updatedBy}`),
  );
}

function hitList(hits: ArticleHit[]): HTMLElement {
  if (!hits.length) return h('p', { class: 'empty' }, 'No article matches.');
  return h(
    'ol',
    { class: 'kb-hits' },
    hits.map((hit) =>
      h(
        'li',
        { 'data-slug': hit.slug },
        h('a', { href: hrefOf({ name: 'article', slug: hit.slug }) }, hit.title),
        ' ',
        h('span', { class: 'muted' }, `(${hit.audience})`),
      ),
    ),
  );
}

/** `#/kb`: every article the caller may see, and a search over the published ones of both audiences. */
export const kbScreen: Screen = async (app, host) => {
  const { articles } = await app.api.articles();
  const sorted = [...articles].sort((a, b) => a.title.localeCompare(b.title));
  const q = h('input', { id: 'kb-query', name: 'q', type: 'search', autocomplete: 'off' });
  const results = h('div', { class: 'kb-results', 'aria-live': 'polite' });
  const slot = h('div', { class: 'error-slot' });
  const search = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        slot.replaceChildren();
        if (!q.value.trim()) return results.replaceChildren();
        try {
          const { hits } = await app.api.request<{ hits: ArticleHit[] }>('GET', '/v1/kb/internal-search', {
            query: { q: q.value.trim() },
          });
          results.replaceChildren(hitList(hits));
        } catch (err: unknown) {
          showError(slot, err, 'search the articles');
        }
      },
    },
    field('Search articles', q, 'Published articles for customers and for the team.'),
    h('button', { type: 'submit', class: 'button' }, 'Search'),
  );
  append(host, [
    h('h1', { tabindex: -1 }, 'Knowledge base'),
    h(
      'p',
      { class: 'lede' },
      writesArticles(app)
        ? 'Articles for customers (the help centre) and for the team, drafts included.'
        : 'Published articles for customers (the help centre) and for the team.',
    ),
    writesArticles(app)
      ? h(
          'p',
          {},
          h('a', { class: 'button button-primary', href: hrefOf({ name: 'article_edit' }) }, 'New article'),
        )
      : null,
    search,
    slot,
    results,
    sorted.length === 0
      ? h('p', { class: 'empty' }, 'No article yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data kb-table' },
            h('caption', { class: 'visually-hidden' }, 'Articles'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Title', 'Audience', 'Status', 'Request types', 'Tags', 'Locale', 'Updated'].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            h('tbody', {}, sorted.map(articleRow)),
          ),
        ),
  ]);
  return undefined;
};

/** `#/kb/<slug>`: one article as the server rendered it, with what describes it and, for writers, Edit. */
export const articleScreen: Screen = async (app, host) => {
  const slug = host.dataset.slug ?? '';
  const { article, html } = await app.api.article(slug);
  append(host, [
    h(
      'nav',
      { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: hrefOf({ name: 'kb' }) }, 'Knowledge base'),
    ),
    h('h1', { tabindex: -1 }, article.title),
    h(
      'dl',
      { class: 'meta' },
      h('dt', {}, 'Audience'),
      h('dd', {}, audienceLabel(article.audience)),
      h('dt', {}, 'Status'),
      h('dd', {}, article.status),
      h('dt', {}, 'Request types'),
      h('dd', {}, article.requestTypes.join(', ') || '—'),
      h('dt', {}, 'Tags'),
      h('dd', {}, article.tags.join(', ') || '—'),
      h('dt', {}, 'Locale'),
      h('dd', {}, article.locale),
      h('dt', {}, 'Updated'),
      h(
        'dd',
        {},
        `${formatDateTime(article.updatedAt)} by ${article.updatedBy} (version ${article.version})`,
      ),
    ),
    writesArticles(app)
      ? h(
          'p',
          {},
          h('a', { class: 'button', href: hrefOf({ name: 'article_edit', slug: article.slug }) }, 'Edit'),
        )
      : null,
    showServerHtml(h('div', { class: 'article-body', 'data-testid': 'article-body' }), html),
  ]);
  return undefined;
};
