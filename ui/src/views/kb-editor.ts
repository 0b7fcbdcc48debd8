/**
 * The plain article editor for leads and admins (issue 18): slug, title, audience, request types, tags,
 * locale, status and the Markdown body, a preview the server renders and sanitises (`POST /v1/kb/preview`),
 * and save with If-Match. A stale save (409) keeps what the lead typed and offers to reload the article,
 * after which the fields the lead changed still hold their text, the others show the new version, and
 * saving again is based on it.
 */
import { ApiError } from '../api';
import type { Screen } from '../app';
import { append, field, h } from '../dom';
import { announce, clearError, showError } from '../messages';
import { hrefOf } from '../router';
import type { Article, ArticleDraft } from '../types';
import { showServerHtml, writesArticles } from './kb';

/**
 * What a lead typed, by slug ('' for a new article), with the article it started from: kept across a
 * reload and route changes until saved.
 */
const drafts = new Map<string, { base: ArticleDraft; edits: ArticleDraft }>();

/**
 * The form after a reload: each field the lead changed keeps their text, every other field shows the
 * article as it is now (so a stale save rebased on the new version overwrites only what the lead wrote).
 */
export function rebase(base: ArticleDraft, edits: ArticleDraft, now: ArticleDraft): ArticleDraft {
  const changed = (k: keyof ArticleDraft) => JSON.stringify(edits[k]) !== JSON.stringify(base[k]);
  const keys = Object.keys(now) as Array<keyof ArticleDraft>;
  return Object.fromEntries(keys.map((k) => [k, changed(k) ? edits[k] : now[k]])) as ArticleDraft;
}

/** "a, b ,, c" → ["a", "b", "c"]. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const EMPTY: ArticleDraft = {
  slug: '',
  title: '',
  body: '',
  audience: 'external',
  requestTypes: [],
  tags: [],
  locale: 'en',
  status: 'draft',
};

function select(id: string, value: string, options: Array<[string, string]>): HTMLSelectElement {
  return h(
    'select',
    { id, name: id.replace(/^article-/, '') },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

/** `#/kb/<slug>/edit` and `#/new-article`. */
export const articleEditScreen: Screen = async (app, host) => {
  const slug = host.dataset.slug ?? '';
  if (!writesArticles(app)) {
    host.append(
      h('h1', { tabindex: -1 }, 'Edit article'),
      h('p', { class: 'alert alert-error', role: 'alert' }, 'Writing articles is for leads and admins.'),
    );
    return undefined;
  }
  const saved: Article | undefined = slug ? (await app.api.article(slug)).article : undefined;
  const key = saved?.slug ?? '';
  const base = saved ? toDraft(saved) : EMPTY;
  const kept = drafts.get(key);
  const start: ArticleDraft = kept ? rebase(kept.base, kept.edits, base) : base;
  if (kept) drafts.set(key, { base, edits: start });
  const input = (id: string, value: string, attrs: Record<string, string | boolean> = {}) =>
    h('input', { id, name: id.replace(/^article-/, ''), value, autocomplete: 'off', ...attrs });

  const slugInput = input('article-slug', start.slug, {
    required: true,
    pattern: '[a-z0-9]+(-[a-z0-9]+)*',
    maxlength: '100',
    readonly: Boolean(saved),
  });
  const title = input('article-title', start.title, { required: true });
  const audience = select('article-audience', start.audience, [
    ['external', 'External: customers (help centre)'],
    ['internal', 'Internal: the team'],
  ]);
  const requestTypes = input('article-request-types', start.requestTypes.join(', '));
  const tags = input('article-tags', start.tags.join(', '));
  const locale = input('article-locale', start.locale, { required: true });
  const status = select('article-status', start.status, [
    ['draft', 'Draft'],
    ['published', 'Published'],
  ]);
  const body = h('textarea', { id: 'article-body', name: 'body', rows: 18, class: 'article-source' });
  body.value = start.body;

  const current = (): ArticleDraft => ({
    slug: slugInput.value.trim(),
    title: title.value.trim(),
    body: body.value,
    audience: audience.value as ArticleDraft['audience'],
    requestTypes: splitList(requestTypes.value),
    tags: splitList(tags.value),
    locale: locale.value.trim() || 'en',
    status: status.value as ArticleDraft['status'],
  });
  const preview = h('div', { class: 'article-body article-preview', 'data-testid': 'article-preview' });
  const previewSlot = h('div', { class: 'error-slot' });
  const slot = h('div', { class: 'error-slot' });
  const previewButton = h('button', { type: 'button', class: 'button', id: 'article-preview' }, 'Preview');
  const save = h('button', { type: 'submit', class: 'button button-primary', id: 'article-save' }, 'Save');

  previewButton.addEventListener('click', async () => {
    clearError(previewSlot);
    previewButton.disabled = true;
    try {
      const { html } = await app.api.previewArticle(body.value);
      showServerHtml(preview, html);
      announce('Preview updated.');
    } catch (err: unknown) {
      showError(previewSlot, err, 'preview the article');
    }
    previewButton.disabled = false;
  });

  const form = h(
    'form',
    {
      class: 'article-form',
      novalidate: true,
      oninput: () => drafts.set(key, { base, edits: current() }),
      onchange: () => drafts.set(key, { base, edits: current() }),
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const draft = current();
        clearError(slot);
        save.disabled = true;
        try {
          const { article } = await app.api.putArticle(draft, saved?.version);
          drafts.delete(key);
          announce(`Article “${article.title}” saved (version ${article.version}).`);
          location.hash = hrefOf({ name: 'article', slug: article.slug });
        } catch (err: unknown) {
          // A new article's slug already taken is no stale version: say so, keep the text.
          const taken = !saved && err instanceof ApiError && err.status === 409;
          // A stale save keeps the text: the reload reads the article's new version, the draft stays.
          showError(
            slot,
            taken
              ? new Error(
                  `an article with the slug “${draft.slug}” already exists: choose another slug or edit that article`,
                )
              : err,
            'save the article',
            () => void app.refresh().then(() => announce('Article reloaded.')),
            'article',
          );
          save.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'article-fields' },
      field(
        'Slug',
        slugInput,
        saved
          ? 'The article’s address; it does not change.'
          : 'Lower-case words with hyphens, e.g. reset-password.',
      ),
      field('Title', title),
      field('Audience', audience),
      field('Status', status, 'Only published articles are searched and suggested.'),
      field('Request types', requestTypes, 'Comma-separated, e.g. access, billing.'),
      field('Tags', tags, 'Comma-separated.'),
      field('Locale', locale),
    ),
    field(
      'Body (Markdown)',
      body,
      'Preview shows it as customers will see it; nothing is saved until you save.',
    ),
    h('div', { class: 'button-row' }, previewButton, save),
    previewSlot,
    slot,
  );
  append(host, [
    h(
      'nav',
      { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: hrefOf({ name: 'kb' }) }, 'Knowledge base'),
    ),
    h('h1', { tabindex: -1 }, saved ? `Edit “${saved.title}”` : 'New article'),
    saved ? h('p', { class: 'note' }, `Version ${saved.version}, last saved by ${saved.updatedBy}.`) : null,
    form,
    h('section', { class: 'panel', 'aria-label': 'Preview' }, h('h2', {}, 'Preview'), preview),
  ]);
  return undefined;
};

/** The article's fields an author writes (what the server records about the write left out). */
function toDraft({ updatedBy: _by, updatedAt: _at, version: _v, ...draft }: Article): ArticleDraft {
  return draft;
}
