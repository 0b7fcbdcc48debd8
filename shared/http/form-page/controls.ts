// A JSON Schema → the form's controls: one labelled control per leaf (text, email, textarea, select,
// number, checkbox), objects as fieldsets, with the `data-*` attributes the browser script reads (the
// body path as JSON keys, the issue path as the server prints it, the label for the error summary).
import { escapeHtml } from './html';

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

export type Control =
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

/** The path as `formatPath` (shared/config/issue-path.ts) prints it, so server issues match controls. */
function issuePath(keys: readonly string[]): string {
  let out = '';
  for (const key of keys) {
    if (/^[A-Za-z0-9_$-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The controls of a form, in schema order: one per leaf, objects as groups; `hiddenPaths` are left out. */
export function buildControls(
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

/** The controls as HTML, each group a fieldset, indented by `indent`. */
export function renderControls(controls: readonly Control[], indent: string): string {
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

export function hasRequired(controls: readonly Control[]): boolean {
  return controls.some((c) => (c.kind === 'group' ? hasRequired(c.children) : c.required));
}
