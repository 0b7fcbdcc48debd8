/// <reference lib="dom" />
// The hosted form's Tier 0 suggestions (issue 18), run in the browser beside `formScript` in the page's
// one nonce'd script: as the customer types the subject and description, the top three published help
// articles for the form's request type appear (debounced, from the public search on the page's own
// origin); "This answered my question" records a deflection and replaces the form with a thank-you, so
// nothing is filed; "I still need help" puts the list away and goes on to the form. Embedded as its own
// source (see ../form-page.ts): no imports, no module-level values; writes with `textContent` only.

/** The element ids the renderer and the script share; passed to the script as JSON. */
export interface SuggestScriptConfig {
  readonly formId: string;
  readonly panelId: string;
  readonly listId: string;
  readonly statusId: string;
  readonly continueId: string;
  readonly successId: string;
}

interface Hit {
  slug: string;
  title: string;
}

export function suggestScript(config: SuggestScriptConfig): void {
  const form = document.getElementById(config.formId);
  const panel = document.getElementById(config.panelId);
  const list = document.getElementById(config.listId);
  const status = document.getElementById(config.statusId);
  const stillNeedHelp = document.getElementById(config.continueId);
  if (!(form instanceof HTMLFormElement) || !panel || !list || !status || typeof window.fetch !== 'function')
    return;
  const searchUrl = panel.getAttribute('data-search-url') ?? '';
  const deflectUrl = panel.getAttribute('data-deflect-url') ?? '';
  const requestType = panel.getAttribute('data-request-type') ?? '';
  const watched = ['subject', 'description']
    .map((path) => form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-path="${path}"]`))
    .filter((el): el is HTMLInputElement | HTMLTextAreaElement => el !== null);
  if (!searchUrl || !deflectUrl || watched.length === 0) return;

  // One id per page load: a retried "This answered my question" is the same deflection.
  const pageId = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : null;
  let timer: number | undefined;
  let asked = 0;
  let dismissed = false;
  let lastQuery = '';

  const query = (): string =>
    watched
      .map((el) => el.value)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 500);

  const hide = (): void => {
    panel.hidden = true;
    list.textContent = '';
  };

  const answered = (hit: Hit, button: HTMLButtonElement): void => {
    button.disabled = true;
    const body: Record<string, string> = { query: lastQuery, slug: hit.slug, requestType };
    if (pageId) body.id = pageId;
    fetch(deflectUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then((res) => {
        if (!res.ok) throw new Error(String(res.status));
        const done = document.createElement('div');
        done.id = config.successId;
        done.className = 'success-panel';
        done.setAttribute('role', 'status');
        done.tabIndex = -1;
        const heading = document.createElement('h2');
        heading.textContent = 'Glad that helped';
        const text = document.createElement('p');
        text.textContent = `We have not filed a request: “${hit.title}” answered your question. If you need us after all, reload this page.`;
        done.appendChild(heading);
        done.appendChild(text);
        panel.remove();
        form.replaceWith(done);
        done.focus();
      })
      .catch(() => {
        button.disabled = false;
        status.textContent = 'Sorry, that did not go through. Please try again.';
      });
  };

  const show = (hits: readonly Hit[]): void => {
    list.textContent = '';
    if (hits.length === 0) {
      hide();
      return;
    }
    for (const hit of hits) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `/help/${encodeURIComponent(hit.slug)}?from=form`;
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = hit.title;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button button-secondary';
      button.textContent = 'This answered my question';
      button.setAttribute('aria-label', `This answered my question: ${hit.title}`);
      button.addEventListener('click', () => answered(hit, button));
      item.appendChild(link);
      item.appendChild(button);
      list.appendChild(item);
    }
    status.textContent = `${hits.length} help ${hits.length === 1 ? 'article' : 'articles'} may answer your question.`;
    panel.hidden = false;
  };

  const search = (): void => {
    const q = query();
    if (dismissed || q.length < 3 || q === lastQuery) return;
    lastQuery = q;
    const mine = ++asked;
    const params = new URLSearchParams({ q, requestType, limit: '3' });
    fetch(`${searchUrl}?${params.toString()}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
      .then((res) => (res.ok ? res.json() : { hits: [] }))
      .then((data: { hits?: unknown }) => {
        // An answer to an older query (the customer typed on) is dropped.
        if (mine !== asked || dismissed) return;
        const hits = Array.isArray(data.hits) ? data.hits : [];
        show(
          hits
            .filter((h): h is Hit => typeof h?.slug === 'string' && typeof h?.title === 'string')
            .slice(0, 3),
        );
      })
      .catch(() => undefined);
  };

  for (const el of watched) {
    el.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 350);
    });
  }
  stillNeedHelp?.addEventListener('click', () => {
    dismissed = true;
    hide();
    const next = form.querySelector<HTMLElement>('button[type="submit"]');
    next?.focus();
  });
}
