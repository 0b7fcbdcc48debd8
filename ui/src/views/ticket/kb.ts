/**
 * Suggested articles on a ticket (issue 18): the external and internal articles the knowledge base finds
 * for the ticket's text (`GET /v1/tickets/{id}/kb-suggestions`), each with "Insert link", which puts the
 * article's link into the reply composer where the cursor is: an external article's help-centre page
 * (`/help/{slug}` on the public base URL, as the server answers it), an internal one's page in this UI.
 */
import { h } from '../../dom';
import { announce } from '../../messages';
import { hrefOf } from '../../router';
import type { ArticleHit, KbSuggestions } from '../../types';
import { type Ctx, panel } from './section';

/** The link an agent inserts for an internal article: its page in this app. */
export const internalArticleUrl = (slug: string): string =>
  `${location.origin}${location.pathname}${hrefOf({ name: 'article', slug })}`;

/**
 * Puts `text` into the textarea at its cursor (replacing a selection), with a space or line break where
 * it would otherwise run into the words around it; the cursor ends after it. An `input` event follows, so
 * the composer keeps the draft as if the agent had typed it.
 */
export function insertAtCursor(area: HTMLTextAreaElement, text: string): void {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const before = value.slice(0, start);
  const after = value.slice(end);
  const lead = before === '' || /\s$/.test(before) ? '' : ' ';
  const tail = after === '' || /^\s/.test(after) ? '' : ' ';
  const inserted = `${lead}${text}${tail}`;
  area.value = `${before}${inserted}${after}`;
  const cursor = before.length + inserted.length - tail.length;
  area.focus();
  area.setSelectionRange(cursor, cursor);
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

function suggestionList(
  label: string,
  hits: Array<ArticleHit & { url: string }>,
  audience: string,
): HTMLElement {
  if (!hits.length) return h('p', { class: 'muted' }, `No ${audience} article matches this ticket.`);
  return h(
    'ul',
    { class: 'kb-suggestions', 'aria-label': label, 'data-audience': audience },
    hits.map((hit) =>
      h(
        'li',
        { 'data-slug': hit.slug },
        h('a', { href: hrefOf({ name: 'article', slug: hit.slug }) }, hit.title),
        ' ',
        h(
          'button',
          {
            type: 'button',
            class: 'button button-small',
            'aria-label': `Insert link to “${hit.title}”`,
            onclick: () => {
              const area = document.getElementById('composer-body') as HTMLTextAreaElement | null;
              if (!area) return;
              insertAtCursor(area, `${hit.title}: ${hit.url}`);
              announce(`Link to “${hit.title}” inserted into the reply.`);
            },
          },
          'Insert link',
        ),
      ),
    ),
  );
}

/** The section beside the composer; none when the agent cannot write or the server suggests nothing. */
export function kbSuggestionsSection(ctx: Ctx, suggestions: KbSuggestions | undefined): HTMLElement | null {
  if (!ctx.works || !suggestions) return null;
  return panel(
    'Suggested articles',
    h('h3', {}, 'For the customer (help centre)'),
    suggestionList('Suggested articles for the customer', suggestions.external, 'external'),
    h('h3', {}, 'For the team'),
    suggestionList(
      'Suggested articles for the team',
      suggestions.internal.map((hit) => ({ ...hit, url: internalArticleUrl(hit.slug) })),
      'internal',
    ),
  );
}
