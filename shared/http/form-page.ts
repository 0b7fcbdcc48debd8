// Server-rendered, accessible HTML for Frontdoor's hosted forms (new request, needs-info, index and
// message pages). Pure functions: no I/O, no external assets. Every page is one document with inline CSS;
// the form page adds ONE inline script carrying the caller's nonce, so the page works under the strict
// Content-Security-Policy that `formPageHeaders` returns (no 'unsafe-inline' scripts, no inline handlers).
//
// Nothing user- or config-supplied ever reaches the script's source: it reads what it needs from
// escaped `data-*` attributes and writes answers from the server with `textContent` only.

import { randomBytes } from 'node:crypto';

/** A JSON Schema (draft 2020-12) node, loose enough to take `z.toJSONSchema(...)` output as it is. */
export type JsonSchema = {
  [keyword: string]: unknown;
  type?: string | readonly string[];
  title?: string;
  description?: string;
  properties?: Readonly<Record<string, JsonSchema | boolean>>;
  required?: readonly string[];
  enum?: readonly unknown[];
  format?: string;
  maxLength?: number;
  default?: unknown;
  $ref?: string;
  $defs?: Readonly<Record<string, JsonSchema>>;
  definitions?: Readonly<Record<string, JsonSchema>>;
  allOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  'x-frontdoor-type'?: string;
};

/** The schema of the JSON body a form POSTs: an object schema (its `properties` become the controls). */
export type JsonSchemaObject = JsonSchema;

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

/** HTML-escapes text for element content and (double-quoted) attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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
// Schema → controls

type Control =
  | { kind: 'group'; legend: string; children: Control[] }
  | {
      kind: 'text' | 'email' | 'textarea' | 'select' | 'number' | 'integer' | 'checkbox';
      keys: string[];
      id: string;
      label: string;
      hint?: string;
      required: boolean;
      maxLength?: number;
      options?: string[];
      defaultValue?: string;
    };

type Leaf = Exclude<Control, { kind: 'group' }>;

const MAX_DEPTH = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s and unwraps the one-real-variant `anyOf`/`oneOf`/`allOf` that nullable/optional make. */
function resolve(
  root: JsonSchema,
  node: JsonSchema | boolean | undefined,
  depth = 0,
): JsonSchema | undefined {
  if (node === undefined || node === false) return undefined;
  if (node === true) return {};
  if (depth > MAX_DEPTH) return undefined;
  const { $ref, anyOf, oneOf, allOf, ...rest } = node;
  if (typeof $ref === 'string') {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec($ref);
    const defs = match?.[1] === '$defs' ? root.$defs : root.definitions;
    const name = match?.[2]
      ? decodeURIComponent(match[2].replace(/~1/g, '/').replace(/~0/g, '~'))
      : undefined;
    const target = name !== undefined && defs && Object.hasOwn(defs, name) ? defs[name] : undefined;
    const resolved = resolve(root, target, depth + 1);
    return resolved ? { ...resolved, ...rest } : undefined;
  }
  for (const variants of [anyOf, oneOf, allOf]) {
    if (!Array.isArray(variants)) continue;
    const real = variants.filter((v: JsonSchema) => v.type !== 'null');
    if (real.length !== 1) continue;
    const resolved = resolve(root, real[0], depth + 1);
    return resolved ? { ...resolved, ...rest } : undefined;
  }
  return node;
}

function typesOf(schema: JsonSchema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** `invoiceId` → "Invoice id", `reproduction_steps` → "Reproduction steps": a label when there is no title. */
function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}

/** The path as `formatPath` (shared/config/schema.ts) prints it, so server issues match controls. */
function issuePath(keys: readonly string[]): string {
  let out = '';
  for (const key of keys) {
    if (/^[A-Za-z0-9_$-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function buildControls(
  schema: JsonSchemaObject,
  hiddenPaths: ReadonlySet<string>,
): { controls: Control[]; hasSubmissionId: boolean } {
  const usedIds = new Set<string>();
  const idFor = (keys: readonly string[]) => {
    const base = `field-${keys.map((k) => k.replace(/[^A-Za-z0-9_-]/g, '_')).join('-')}`;
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base}-${n}`;
    usedIds.add(id);
    return id;
  };

  const walk = (node: JsonSchema, keys: string[], required: boolean, depth: number): Control[] => {
    if (depth > MAX_DEPTH) return [];
    const props = isRecord(node.properties) ? node.properties : {};
    const requiredKeys = new Set(Array.isArray(node.required) ? node.required : []);
    const out: Control[] = [];
    for (const [key, raw] of Object.entries(props)) {
      const path = [...keys, key];
      if (hiddenPaths.has(path.join('.'))) continue;
      if (keys.length === 0 && key === 'submissionId') continue; // the script fills it in
      const child = resolve(schema, raw);
      if (!child) continue;
      const childRequired = required && requiredKeys.has(key);
      const types = typesOf(child).filter((t) => t !== 'null');
      const label = typeof child.title === 'string' && child.title.trim() ? child.title : humanize(key);
      if (types.includes('object') || (types.length === 0 && isRecord(child.properties))) {
        const children = walk(child, path, childRequired, depth + 1);
        if (children.length > 0) out.push({ kind: 'group', legend: label, children });
        continue;
      }
      if (types.includes('array')) continue; // no control for lists (yet)
      const frontdoorType = child['x-frontdoor-type'];
      let kind: Leaf['kind'];
      if (Array.isArray(child.enum)) kind = 'select';
      else if (types.includes('boolean')) kind = 'checkbox';
      else if (types.includes('integer')) kind = 'integer';
      else if (types.includes('number')) kind = 'number';
      else if (frontdoorType === 'text') kind = 'textarea';
      else if (child.format === 'email' || frontdoorType === 'email') kind = 'email';
      else kind = 'text';
      const leaf: Leaf = { kind, keys: path, id: idFor(path), label, required: childRequired };
      if (typeof child.description === 'string' && child.description.trim()) leaf.hint = child.description;
      if (typeof child.maxLength === 'number' && Number.isInteger(child.maxLength) && child.maxLength >= 0) {
        leaf.maxLength = child.maxLength;
      }
      if (kind === 'select')
        leaf.options = (child.enum ?? []).filter((v) => v !== null).map((v) => String(v));
      if (['string', 'number', 'boolean'].includes(typeof child.default))
        leaf.defaultValue = String(child.default);
      out.push(leaf);
    }
    return out;
  };

  const root = resolve(schema, schema) ?? {};
  const rootProps = isRecord(root.properties) ? root.properties : {};
  return { controls: walk(root, [], true, 0), hasSubmissionId: Object.hasOwn(rootProps, 'submissionId') };
}

function autocompleteFor(keys: readonly string[]): string | undefined {
  const path = keys.join('.');
  if (path === 'requester.email') return 'email';
  if (path === 'requester.name') return 'name';
  return undefined;
}

function renderLeaf(c: Leaf, indent: string): string {
  const e = escapeHtml;
  const hintId = `${c.id}-hint`;
  const attrs = [
    `id="${c.id}"`,
    `name="${e(c.keys.join('.'))}"`,
    `data-keys="${e(JSON.stringify(c.keys))}"`,
    `data-path="${e(issuePath(c.keys))}"`,
    `data-label="${e(c.label)}"`,
  ];
  if (c.kind === 'number' || c.kind === 'integer') attrs.push(`data-type="${c.kind}"`);
  if (c.required) attrs.push('required', 'aria-required="true"');
  if (c.hint) attrs.push(`aria-describedby="${hintId}"`);
  if (c.maxLength !== undefined && c.kind !== 'select' && c.kind !== 'checkbox') {
    attrs.push(`maxlength="${c.maxLength}"`);
  }
  const autocomplete = autocompleteFor(c.keys);
  if (autocomplete) attrs.push(`autocomplete="${autocomplete}"`);

  const marker = c.required ? ' <span class="required">(required)</span>' : '';
  const label = `<label for="${c.id}">${e(c.label)}${marker}</label>`;
  const hint = c.hint ? `<p class="hint" id="${hintId}">${e(c.hint)}</p>` : '';
  const error = `<p class="error-message" id="${c.id}-error" hidden></p>`;
  const value = c.defaultValue ?? '';

  let control: string;
  switch (c.kind) {
    case 'textarea':
      control = `<textarea ${attrs.join(' ')} rows="6">${e(value)}</textarea>`;
      break;
    case 'select': {
      const empty = c.required ? 'Choose…' : '(none)';
      const options = [`<option value="">${empty}</option>`].concat(
        (c.options ?? []).map(
          (o) => `<option value="${e(o)}"${o === c.defaultValue ? ' selected' : ''}>${e(o)}</option>`,
        ),
      );
      control = `<select ${attrs.join(' ')}>\n${indent}    ${options.join(`\n${indent}    `)}\n${indent}  </select>`;
      break;
    }
    case 'checkbox':
      control = `<input type="checkbox" ${attrs.join(' ')} value="true"${value === 'true' ? ' checked' : ''}>`;
      break;
    case 'number':
    case 'integer':
      control = `<input type="text" inputmode="${c.kind === 'integer' ? 'numeric' : 'decimal'}" ${attrs.join(' ')} value="${e(value)}">`;
      break;
    case 'email':
      control = `<input type="email" ${attrs.join(' ')} spellcheck="false" value="${e(value)}">`;
      break;
    case 'text':
      control = `<input type="text" ${attrs.join(' ')} value="${e(value)}">`;
      break;
  }
  // Checkbox: box first, label beside it; everything else: label, hint, error, then the control.
  const parts =
    c.kind === 'checkbox'
      ? [`<div class="checkbox">${control} ${label}</div>`, hint, error]
      : [label, hint, error, control];
  const kindClass = c.kind === 'checkbox' ? ' field-checkbox' : '';
  return [
    `${indent}<div class="field${kindClass}">`,
    ...parts.filter(Boolean).map((p) => `${indent}  ${p}`),
    `${indent}</div>`,
  ].join('\n');
}

function renderControls(controls: readonly Control[], indent: string): string {
  return controls
    .map((c) =>
      c.kind === 'group'
        ? [
            `${indent}<fieldset>`,
            `${indent}  <legend>${escapeHtml(c.legend)}</legend>`,
            renderControls(c.children, `${indent}  `),
            `${indent}</fieldset>`,
          ].join('\n')
        : renderLeaf(c, indent),
    )
    .join('\n');
}

function hasRequired(controls: readonly Control[]): boolean {
  return controls.some((c) => (c.kind === 'group' ? hasRequired(c.children) : c.required));
}

// ---------------------------------------------------------------------------------------------------
// Page chrome

// Colours (on #fff): text #1a1a1a 17.4:1, hints #4a4a4a 8.9:1, errors #b3261e 6.5:1, links/buttons
// #0b57d0 6.4:1, success border #1e7a3c 5.4:1. Focus: 3px #0b57d0 outline, offset so it shows on the button.
const CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { color-scheme: light; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #1a1a1a; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.0625rem; line-height: 1.5; }
.page { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.875rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 0 0 .75rem; }
p { margin: 0 0 1rem; }
a { color: #0b57d0; text-decoration: underline; text-underline-offset: .15em; }
a:visited { color: #5b2a86; }
a:hover { text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
input:focus, select:focus, textarea:focus { outline: 3px solid #0b57d0; outline-offset: 0; box-shadow: inset 0 0 0 1px #0b57d0; }
.intro, .required-note { margin-bottom: 1.5rem; }
.required-note, .hint, .required { color: #4a4a4a; }
fieldset { border: 0; margin: 0 0 1.5rem; padding: 0; min-width: 0; }
legend { font-size: 1.25rem; font-weight: 700; margin: 0 0 .75rem; padding: 0; }
.field { margin: 0 0 1.5rem; }
label { display: block; font-weight: 600; margin: 0 0 .25rem; }
.required { font-weight: 400; }
.hint { margin: 0 0 .5rem; }
.error-message { color: #b3261e; font-weight: 700; margin: 0 0 .5rem; }
input[type="text"], input[type="email"], select, textarea { display: block; width: 100%; min-height: 2.75rem; margin: 0; padding: .5rem .625rem; font: inherit; color: inherit; background: #fff; border: 2px solid #4a4a4a; border-radius: 4px; }
textarea { min-height: 9rem; resize: vertical; }
.checkbox { display: flex; gap: .5rem; align-items: flex-start; }
.checkbox input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; }
.checkbox label { margin: 0; }
.field-error { border-left: 4px solid #b3261e; padding-left: .75rem; }
[aria-invalid="true"] { border-color: #b3261e; }
.button { display: inline-block; min-height: 2.75rem; padding: .5rem 1.25rem; font: inherit; font-weight: 700; color: #fff; background: #0b57d0; border: 2px solid #0b57d0; border-radius: 4px; cursor: pointer; }
.button:hover { background: #0842a0; border-color: #0842a0; }
.button:focus-visible { outline-offset: 3px; }
.button[disabled] { cursor: progress; opacity: .8; }
.error-summary, .success-panel, .notice { margin: 0 0 2rem; padding: 1rem 1.25rem; border: 4px solid #b3261e; border-radius: 4px; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary li { margin: 0 0 .5rem; }
.error-summary a, .error-summary a:visited { color: #b3261e; font-weight: 700; }
.error-summary:focus, .success-panel:focus { outline: 3px solid #0b57d0; outline-offset: 3px; }
.success-panel { border-color: #1e7a3c; }
.success-panel p:last-child, .notice p:last-child { margin-bottom: 0; }
.reference { font-size: 1.25rem; font-weight: 700; }
.notice-info { border-color: #0b57d0; }
.forms { list-style: none; margin: 0; padding: 0; }
.forms li { margin: 0 0 1.5rem; }
.forms a { font-size: 1.25rem; font-weight: 700; }
.forms p { margin: .25rem 0 0; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px !important; padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important; }
@media (max-width: 30rem) { h1 { font-size: 1.5rem; } .button { width: 100%; } }
`.trim();

function htmlDocument(opts: {
  lang: string | undefined;
  title: string;
  body: string;
  script?: string;
}): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(opts.lang?.trim() || 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(opts.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main class="page">',
    opts.body,
    '</main>',
    ...(opts.script ? [opts.script] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function paragraphs(text: string, className?: string): string {
  const cls = className ? ` class="${className}"` : '';
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p${cls}>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The client script. Plain ES2017, no template literals; it reads everything from the DOM.

const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('fd-form');
  var summary = document.getElementById('fd-summary');
  if (!form || !summary || !window.fetch) return;
  var button = form.querySelector('button[type="submit"]');
  var buttonText = button ? button.textContent : '';
  var baseTitle = document.title;
  var submissionId = form.hasAttribute('data-submission-id') ? newId() : null;
  var sending = false;

  function newId() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.hasAttribute('data-keys');
    });
  }

  function setAt(target, keys, value) {
    var node = target;
    for (var i = 0; i < keys.length - 1; i++) {
      var key = keys[i];
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = Object.create(null);
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }

  function valueOf(el) {
    if (el.type === 'hidden') return { value: el.value };
    if (el.type === 'checkbox') return el.checked ? { value: true } : el.required ? { value: false } : null;
    var raw = el.value;
    if (raw.trim() === '') return el.required ? { value: '' } : null;
    var type = el.getAttribute('data-type');
    if (type === 'number' || type === 'integer') {
      var n = Number(raw.trim());
      return { value: isFinite(n) ? n : raw };
    }
    return { value: raw };
  }

  function buildBody() {
    var body = Object.create(null);
    controls().forEach(function (el) {
      var v = valueOf(el);
      if (v) setAt(body, JSON.parse(el.getAttribute('data-keys')), v.value);
    });
    if (submissionId) body.submissionId = submissionId;
    return body;
  }

  function describedBy(el, id, add) {
    var ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (add) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function clearErrors() {
    summary.hidden = true;
    summary.textContent = '';
    document.title = baseTitle;
    controls().forEach(function (el) {
      if (!el.id) return;
      el.removeAttribute('aria-invalid');
      describedBy(el, el.id + '-error', false);
      var err = document.getElementById(el.id + '-error');
      if (err) { err.hidden = true; err.textContent = ''; }
      var field = el.closest('.field');
      if (field) field.classList.remove('field-error');
    });
  }

  function make(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showSummary(intro, items) {
    var heading = make('h2', 'There is a problem');
    heading.id = 'fd-summary-title';
    summary.appendChild(heading);
    summary.setAttribute('aria-labelledby', 'fd-summary-title');
    intro.forEach(function (text) { summary.appendChild(make('p', text)); });
    if (items.length) {
      var list = make('ul');
      items.forEach(function (item) {
        var li = make('li');
        if (item.control) {
          var link = make('a', item.text);
          link.href = '#' + item.control.id;
          link.addEventListener('click', function (event) {
            event.preventDefault();
            item.control.focus();
            var label = document.querySelector('label[for="' + item.control.id + '"]');
            if (label && label.scrollIntoView) label.scrollIntoView({ block: 'center' });
          });
          li.appendChild(link);
        } else {
          li.textContent = item.text;
        }
        list.appendChild(li);
      });
      summary.appendChild(list);
    }
    summary.hidden = false;
    document.title = 'Error: ' + baseTitle;
    summary.focus();
  }

  function capitalize(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function showIssues(issues) {
    var byPath = Object.create(null);
    controls().forEach(function (c) {
      if (c.type === 'hidden' || !c.id) return;
      byPath[c.name] = c;
      byPath[c.getAttribute('data-path')] = c;
    });
    var items = [];
    var messages = new Map();
    issues.forEach(function (issue) {
      var path = issue && typeof issue.path === 'string' ? issue.path : '';
      var message = issue && typeof issue.message === 'string' ? issue.message : 'is not valid';
      var control = path ? byPath[path] : undefined;
      if (control) {
        items.push({ control: control, text: control.getAttribute('data-label') + ': ' + message });
        messages.set(control, (messages.get(control) || []).concat(capitalize(message)));
      } else {
        items.push({ text: (path && path !== '(body)' && path !== '(root)' ? path + ': ' : '') + message });
      }
    });
    messages.forEach(function (list, control) {
      control.setAttribute('aria-invalid', 'true');
      var err = document.getElementById(control.id + '-error');
      if (err) {
        var prefix = make('span', 'Error: ');
        prefix.className = 'visually-hidden';
        err.appendChild(prefix);
        err.appendChild(document.createTextNode(list.join('. ')));
        err.hidden = false;
        describedBy(control, err.id, true);
      }
      var field = control.closest('.field');
      if (field) field.classList.add('field-error');
    });
    showSummary(items.length ? [] : ['Please check your answers and try again.'], items);
  }

  function showFailure(serverMessage) {
    var intro = ['Sorry, your answers could not be sent. Please try again in a moment.'];
    if (serverMessage) intro.push(serverMessage);
    showSummary(intro, []);
  }

  function showSuccess(data) {
    var panel = make('div');
    panel.id = 'fd-success';
    panel.className = 'success-panel';
    panel.setAttribute('role', 'status');
    panel.tabIndex = -1;
    var lead = make('h2', form.getAttribute('data-success') || 'Thank you.');
    panel.appendChild(lead);
    var reference = data && (typeof data.reference === 'string' ? data.reference : data.ticketId);
    if (typeof reference === 'string' && reference) {
      var p = make('p', 'Your reference is ');
      var strong = make('strong', reference);
      strong.className = 'reference';
      p.appendChild(strong);
      panel.appendChild(p);
    }
    summary.hidden = true;
    document.title = baseTitle;
    form.replaceWith(panel);
    panel.focus();
  }

  function setSending(on) {
    sending = on;
    if (on) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    if (button) {
      button.disabled = on;
      button.textContent = on ? 'Sending…' : buttonText;
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    var body = buildBody();
    setSending(true);
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.text().then(function (text) {
          var data = null;
          try { data = JSON.parse(text); } catch (e) { data = null; }
          setSending(false);
          if (res.ok) showSuccess(data);
          else if (res.status === 400 && data && data.error === 'validation_failed' && Array.isArray(data.issues)) showIssues(data.issues);
          else showFailure(data && typeof data.message === 'string' ? data.message : '');
        });
      })
      .catch(function () {
        setSending(false);
        showFailure('We could not reach the server. Check your connection.');
      });
  });
})();
`.trim();

// ---------------------------------------------------------------------------------------------------
// Pages

/** A form whose controls come from the JSON Schema of the body it POSTs (as JSON, from the inline script). */
export function renderFormPage(opts: FormPageOptions): string {
  assertNonce(opts.nonce);
  const e = escapeHtml;
  const hidden = Object.entries(opts.hidden ?? {});
  const { controls, hasSubmissionId } = buildControls(opts.schema, new Set(hidden.map(([path]) => path)));
  const formAttrs = [
    'id="fd-form"',
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
    '<div id="fd-summary" class="error-summary" role="alert" tabindex="-1" hidden></div>',
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
