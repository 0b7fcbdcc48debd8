// Server-rendered, accessible HTML for Frontdoor's hosted forms (new request, needs-info, index and
// message pages). Pure functions: no I/O, no external assets. Every page is one document with inline CSS
// (./form-page/html.ts); the form page's controls come from a JSON Schema (./form-page/controls.ts) and
// it adds ONE inline script (./form-page/browser.ts) carrying the caller's nonce, so the page works under
// the strict Content-Security-Policy that `formPageHeaders` returns (no 'unsafe-inline' scripts, no
// inline handlers).
//
// Nothing user- or config-supplied ever reaches the script's source: it reads what it needs from
// escaped `data-*` attributes and writes answers from the server with `textContent` only.

import { randomBytes } from 'node:crypto';
import { type FormScriptConfig, formScript } from './form-page/browser';
import { buildControls, hasRequired, type JsonSchemaObject, renderControls } from './form-page/controls';
import { type SuggestScriptConfig, suggestScript } from './form-page/deflection';
import { escapeHtml, htmlDocument, paragraphs } from './form-page/html';

export type { JsonSchema, JsonSchemaObject } from './form-page/controls';
export { escapeHtml } from './form-page/html';

export interface FormPageOptions {
  title: string;
  intro?: string;
  schema: JsonSchemaObject;
  /** Where the JSON body is POSTed (same origin: the CSP says `connect-src 'self'`). */
  submitUrl: string;
  submitLabel?: string;
  /** The nonce of this response's CSP (`formPageHeaders(nonce)`); put on the one inline script. */
  nonce: string;
  successMessage?: string;
  lang?: string;
  /** Values sent as they are, at their dotted path (`{ 'fields.source': 'portal' }`); never shown. */
  hidden?: Record<string, string>;
  /**
   * Tier 0 (issue 18): suggest help articles as the subject and description are typed (`searchUrl`, the
   * public search, same origin) and record "This answered my question" (`deflectUrl`).
   */
  suggestions?: { requestType: string; searchUrl: string; deflectUrl: string };
}

export interface FormIndexOptions {
  title: string;
  forms: Array<{ label: string; description: string; url: string }>;
  /** Accepted so one set of headers fits every page; the index has no script. */
  nonce?: string;
  lang?: string;
}

export interface MessagePageOptions {
  title: string;
  message: string;
  status?: 'error' | 'info';
  lang?: string;
}

const NONCE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A fresh CSP nonce (128 random bits, base64). One per response. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The headers every page of this module must be served with; `nonce` is the one given to the renderer. */
export function formPageHeaders(nonce: string): Record<string, string> {
  assertNonce(nonce);
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `script-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    // Links into these pages may carry a token; nothing should leak it onwards.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

function assertNonce(nonce: string): void {
  if (!NONCE.test(nonce)) throw new Error('form page nonce must be base64/base64url text');
}

// ---------------------------------------------------------------------------------------------------
// The client script: a type-checked function, embedded as its own source and called with its config.

const SCRIPT_CONFIG: FormScriptConfig = {
  formId: 'fd-form',
  summaryId: 'fd-summary',
  summaryTitleId: 'fd-summary-title',
  successId: 'fd-success',
};

const SUGGEST_CONFIG: SuggestScriptConfig = {
  formId: SCRIPT_CONFIG.formId,
  panelId: 'fd-suggestions',
  listId: 'fd-suggestions-list',
  statusId: 'fd-suggestions-status',
  continueId: 'fd-still-need-help',
  successId: 'fd-deflected',
};

/**
 * `formScript`'s source as the runtime compiled it (esbuild in the Lambda bundle, tsx locally, Vite in
 * tests). tsx keeps function names by wrapping them in calls to a module-level `__name` helper that the
 * page does not have, so the script brings a do-nothing one. The same for every page: only constants go in.
 */
function scriptSource(): string {
  const source = [
    '(function () {',
    "  'use strict';",
    '  var __name = function (target) { return target; };',
    `  (${formScript.toString()})(${JSON.stringify(SCRIPT_CONFIG).replace(/</g, '\\u003c')});`,
    `  (${suggestScript.toString()})(${JSON.stringify(SUGGEST_CONFIG).replace(/</g, '\\u003c')});`,
    '})();',
  ].join('\n');
  // Inside <script>, these would end the element or change how it is parsed.
  if (/<\/script|<!--/i.test(source)) throw new Error('the form script must not contain </script or <!--');
  return source;
}

const SCRIPT = scriptSource();

// ---------------------------------------------------------------------------------------------------
// Pages

/** A form whose controls come from the JSON Schema of the body it POSTs (as JSON, from the inline script). */
export function renderFormPage(opts: FormPageOptions): string {
  assertNonce(opts.nonce);
  const e = escapeHtml;
  const hidden = Object.entries(opts.hidden ?? {});
  const { controls, hasSubmissionId } = buildControls(opts.schema, new Set(hidden.map(([path]) => path)));
  const formAttrs = [
    `id="${SCRIPT_CONFIG.formId}"`,
    `action="${e(opts.submitUrl)}"`,
    'method="post"',
    'novalidate',
    `data-success="${e(opts.successMessage ?? 'Thank you. We have received your request.')}"`,
    ...(hasSubmissionId ? ['data-submission-id'] : []),
  ];
  const body = [
    `<h1>${e(opts.title)}</h1>`,
    ...(opts.intro ? [paragraphs(opts.intro, 'intro')] : []),
    // Filled (and focused) by the script when the server says no; `hidden` until then.
    `<div id="${SCRIPT_CONFIG.summaryId}" class="error-summary" role="alert" tabindex="-1" hidden></div>`,
    '<noscript><p class="notice">This form needs JavaScript to send your answers.</p></noscript>',
    `<form ${formAttrs.join(' ')}>`,
    ...(hasRequired(controls)
      ? ['  <p class="required-note">Questions marked (required) must be answered.</p>']
      : []),
    ...hidden.map(
      ([path, value]) =>
        `  <input type="hidden" name="${e(path)}" data-keys="${e(JSON.stringify(path.split('.')))}" value="${e(value)}">`,
    ),
    renderControls(controls, '  '),
    ...(opts.suggestions ? [suggestionsPanel(opts.suggestions)] : []),
    `  <div class="actions"><button type="submit" class="button">${e(opts.submitLabel ?? 'Send')}</button></div>`,
    '</form>',
  ].join('\n');
  return htmlDocument({
    lang: opts.lang,
    title: opts.title,
    body,
    script: `<script nonce="${e(opts.nonce)}">\n${SCRIPT}\n</script>`,
  });
}

/**
 * The help articles the script fills in as the customer types (`hidden` until there are some): each a
 * link and "This answered my question", then "I still need help". A live region says how many appeared.
 */
function suggestionsPanel(s: NonNullable<FormPageOptions['suggestions']>): string {
  const e = escapeHtml;
  const c = SUGGEST_CONFIG;
  return [
    `  <section id="${c.panelId}" class="suggestions" aria-labelledby="${c.panelId}-title" data-request-type="${e(s.requestType)}" data-search-url="${e(s.searchUrl)}" data-deflect-url="${e(s.deflectUrl)}" hidden>`,
    `    <h2 id="${c.panelId}-title">These articles may answer your question</h2>`,
    `    <ul id="${c.listId}"></ul>`,
    `    <button type="button" id="${c.continueId}" class="button button-secondary">I still need help</button>`,
    '  </section>',
    `  <p id="${c.statusId}" class="visually-hidden" role="status" aria-live="polite"></p>`,
  ].join('\n');
}

/** A list of the forms one can fill in, each a link with its description. */
export function renderFormIndex(opts: FormIndexOptions): string {
  if (opts.nonce !== undefined) assertNonce(opts.nonce);
  const e = escapeHtml;
  const items = opts.forms.map((form, i) =>
    [
      '  <li>',
      `    <a href="${e(form.url)}" aria-describedby="form-${i}-description">${e(form.label)}</a>`,
      `    <p id="form-${i}-description">${e(form.description)}</p>`,
      '  </li>',
    ].join('\n'),
  );
  const list = items.length
    ? ['<ul class="forms">', ...items, '</ul>'].join('\n')
    : '<p>There are no forms to fill in right now.</p>';
  return htmlDocument({ lang: opts.lang, title: opts.title, body: `<h1>${e(opts.title)}</h1>\n${list}` });
}

/** A page that only says something: "this link has expired", "thank you", … */
export function renderMessagePage(opts: MessagePageOptions): string {
  const status = opts.status ?? 'info';
  const body = [
    `<h1>${escapeHtml(opts.title)}</h1>`,
    `<div class="notice notice-${status}">`,
    paragraphs(opts.message),
    '</div>',
  ].join('\n');
  return htmlDocument({
    lang: opts.lang,
    title: status === 'error' ? `Error: ${opts.title}` : opts.title,
    body,
  });
}
