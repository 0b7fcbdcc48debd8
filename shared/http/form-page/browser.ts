/// <reference lib="dom" />
// The hosted form's one script, run in the browser: it POSTs the answers as JSON, shows the server's
// validation issues beside their controls and in a summary, and replaces the form with the reference on
// success. The page embeds `formScript.toString()` (see ../form-page.ts), so everything it uses lives
// inside the function: no imports, no module-level values (types are erased and may stay outside).
// It reads what it needs from the DOM (escaped `data-*` attributes) and writes with `textContent` only.

/** The element ids the renderer and the script share; passed to the script as JSON. */
export interface FormScriptConfig {
  readonly formId: string;
  readonly summaryId: string;
  readonly summaryTitleId: string;
  readonly successId: string;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
type Answer = { [key: string]: unknown };
interface SummaryItem {
  control?: Control;
  text: string;
}

export function formScript(config: FormScriptConfig): void {
  const form = document.getElementById(config.formId);
  const summary = document.getElementById(config.summaryId);
  if (!(form instanceof HTMLFormElement) || !summary || typeof window.fetch !== 'function') return;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const buttonText = button ? button.textContent : '';
  const baseTitle = document.title;
  let sending = false;

  const newId = (): string => {
    if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = ((b[6] ?? 0) & 15) | 64;
    b[8] = ((b[8] ?? 0) & 63) | 128;
    const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  };
  // One id per page load: a retry after a failure is the same submission, so the server answers once.
  const submissionId = form.hasAttribute('data-submission-id') ? newId() : null;

  const controls = (): Control[] =>
    Array.from(form.elements).filter(
      (el): el is Control =>
        (el instanceof HTMLInputElement ||
          el instanceof HTMLSelectElement ||
          el instanceof HTMLTextAreaElement) &&
        el.name !== '' &&
        el.hasAttribute('data-keys'),
    );

  const setAt = (target: Answer, keys: readonly string[], value: unknown): void => {
    let node = target;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = Object.create(null);
      node = node[key] as Answer;
    }
    node[keys[keys.length - 1] ?? ''] = value;
  };

  /** What a control sends: nothing for an empty optional one, numbers as numbers when they are. */
  const sentValue = (el: Control): { value: unknown } | null => {
    if (el.type === 'hidden') return { value: el.value };
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      return el.checked ? { value: true } : el.required ? { value: false } : null;
    }
    const raw = el.value;
    if (raw.trim() === '') return el.required ? { value: '' } : null;
    const type = el.getAttribute('data-type');
    if (type === 'number' || type === 'integer') {
      const n = Number(raw.trim());
      return { value: Number.isFinite(n) ? n : raw };
    }
    return { value: raw };
  };

  const buildBody = (): Answer => {
    const body: Answer = Object.create(null);
    for (const el of controls()) {
      const v = sentValue(el);
      if (v) setAt(body, JSON.parse(el.getAttribute('data-keys') ?? '[]') as string[], v.value);
    }
    if (submissionId) body.submissionId = submissionId;
    return body;
  };

  const describedBy = (el: Element, id: string, add: boolean): void => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== id);
    if (add) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  };

  const clearErrors = (): void => {
    summary.hidden = true;
    summary.textContent = '';
    document.title = baseTitle;
    for (const el of controls()) {
      if (!el.id) continue;
      el.removeAttribute('aria-invalid');
      describedBy(el, `${el.id}-error`, false);
      const err = document.getElementById(`${el.id}-error`);
      if (err) {
        err.hidden = true;
        err.textContent = '';
      }
      el.closest('.field')?.classList.remove('field-error');
    }
  };

  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const showSummary = (intro: readonly string[], items: readonly SummaryItem[]): void => {
    const heading = make('h2', 'There is a problem');
    heading.id = config.summaryTitleId;
    summary.appendChild(heading);
    summary.setAttribute('aria-labelledby', config.summaryTitleId);
    for (const text of intro) summary.appendChild(make('p', text));
    if (items.length) {
      const list = make('ul');
      for (const item of items) {
        const li = make('li');
        const control = item.control;
        if (control) {
          const link = make('a', item.text);
          link.href = `#${control.id}`;
          link.addEventListener('click', (event) => {
            event.preventDefault();
            control.focus();
            const label = document.querySelector(`label[for="${control.id}"]`);
            if (label?.scrollIntoView) label.scrollIntoView({ block: 'center' });
          });
          li.appendChild(link);
        } else {
          li.textContent = item.text;
        }
        list.appendChild(li);
      }
      summary.appendChild(list);
    }
    summary.hidden = false;
    document.title = `Error: ${baseTitle}`;
    summary.focus();
  };

  const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

  const showIssues = (issues: readonly unknown[]): void => {
    const byPath = new Map<string, Control>();
    for (const c of controls()) {
      if (c.type === 'hidden' || !c.id) continue;
      byPath.set(c.name, c);
      byPath.set(c.getAttribute('data-path') ?? '', c);
    }
    const items: SummaryItem[] = [];
    const messages = new Map<Control, string[]>();
    for (const raw of issues) {
      const issue: Answer = typeof raw === 'object' && raw !== null ? (raw as Answer) : {};
      const path = typeof issue.path === 'string' ? issue.path : '';
      const message = typeof issue.message === 'string' ? issue.message : 'is not valid';
      const control = path ? byPath.get(path) : undefined;
      if (control) {
        items.push({ control, text: `${control.getAttribute('data-label')}: ${message}` });
        messages.set(control, [...(messages.get(control) ?? []), capitalize(message)]);
      } else {
        items.push({ text: (path && path !== '(body)' && path !== '(root)' ? `${path}: ` : '') + message });
      }
    }
    messages.forEach((list, control) => {
      control.setAttribute('aria-invalid', 'true');
      const err = document.getElementById(`${control.id}-error`);
      if (err) {
        const prefix = make('span', 'Error: ');
        prefix.className = 'visually-hidden';
        err.appendChild(prefix);
        err.appendChild(document.createTextNode(list.join('. ')));
        err.hidden = false;
        describedBy(control, err.id, true);
      }
      control.closest('.field')?.classList.add('field-error');
    });
    showSummary(items.length ? [] : ['Please check your answers and try again.'], items);
  };

  const showFailure = (serverMessage: string): void => {
    const intro = ['Sorry, your answers could not be sent. Please try again in a moment.'];
    if (serverMessage) intro.push(serverMessage);
    showSummary(intro, []);
  };

  const showSuccess = (data: Answer | null): void => {
    const panel = make('div');
    panel.id = config.successId;
    panel.className = 'success-panel';
    panel.setAttribute('role', 'status');
    panel.tabIndex = -1;
    panel.appendChild(make('h2', form.getAttribute('data-success') || 'Thank you.'));
    const reference = data && (typeof data.reference === 'string' ? data.reference : data.ticketId);
    if (typeof reference === 'string' && reference) {
      const p = make('p', 'Your reference is ');
      const strong = make('strong', reference);
      strong.className = 'reference';
      p.appendChild(strong);
      panel.appendChild(p);
    }
    summary.hidden = true;
    document.title = baseTitle;
    form.replaceWith(panel);
    panel.focus();
  };

  const setSending = (on: boolean): void => {
    sending = on;
    if (on) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    if (button) {
      button.disabled = on;
      button.textContent = on ? 'Sending…' : buttonText;
    }
  };

  /** The server's answer as JSON when it is a JSON object, else null. */
  const answerOf = (text: string): Answer | null => {
    try {
      const data: unknown = JSON.parse(text);
      return typeof data === 'object' && data !== null ? (data as Answer) : null;
    } catch {
      return null;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    const body = buildBody();
    setSending(true);
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then((res) =>
        res.text().then((text) => {
          const data = answerOf(text);
          setSending(false);
          if (res.ok) showSuccess(data);
          else if (res.status === 400 && data?.error === 'validation_failed' && Array.isArray(data.issues))
            showIssues(data.issues);
          else showFailure(typeof data?.message === 'string' ? data.message : '');
        }),
      )
      .catch(() => {
        setSending(false);
        showFailure('We could not reach the server. Check your connection.');
      });
  });
}
