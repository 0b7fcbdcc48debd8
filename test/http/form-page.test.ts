import { describe, expect, it } from 'vitest';
import { fieldSchemaFor } from '../../shared/config/fields';
import * as z from '../../shared/domain/zod';
import {
  escapeHtml,
  formPageHeaders,
  type JsonSchemaObject,
  renderFormIndex,
  renderFormPage,
  renderMessagePage,
} from '../../shared/http/form-page';

const nonce = 'bm9uY2Utb2YtdGhlLWRheQ==';

const ticketSchema: JsonSchemaObject = {
  type: 'object',
  required: ['requester', 'subject', 'description', 'fields'],
  properties: {
    requester: {
      type: 'object',
      required: ['email'],
      properties: {
        email: { type: 'string', format: 'email', title: 'Your email' },
        name: { type: 'string', title: 'Your name' },
      },
    },
    subject: { type: 'string', title: 'Subject', maxLength: 998 },
    description: { type: 'string', title: 'Describe the problem', 'x-frontdoor-type': 'text' },
    fields: {
      type: 'object',
      required: ['invoiceId', 'priority'],
      properties: {
        invoiceId: {
          type: 'string',
          title: 'Invoice ID',
          description: 'As printed on the invoice, e.g. INV-2041',
          minLength: 1,
        },
        riskLevel: { type: 'string', enum: ['low', 'high'], title: 'Risk level' },
        priority: { type: 'string', enum: ['p1', 'p2'], title: 'Priority' },
        reproductionSteps: { type: 'string', title: 'Steps', 'x-frontdoor-type': 'text' },
      },
    },
    submissionId: { type: 'string' },
  },
};

const page = (overrides: Partial<Parameters<typeof renderFormPage>[0]> = {}) =>
  renderFormPage({
    title: 'Report a billing problem',
    schema: ticketSchema,
    submitUrl: '/submit',
    nonce,
    ...overrides,
  });

/** The start tag of the element with this id. */
function tagWithId(html: string, id: string): string {
  const match = new RegExp(`<(input|textarea|select)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no control with id ${id}`);
  return match[0];
}

function labelFor(html: string, id: string): string {
  const match = new RegExp(`<label for="${id}">(.*?)</label>`).exec(html);
  if (!match?.[1]) throw new Error(`no label for ${id}`);
  return match[1];
}

const scriptOf = (html: string) => /<script nonce="[^"]*">([\s\S]*?)<\/script>/.exec(html)?.[1];

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});

describe('renderFormPage', () => {
  it('is a complete document with lang, viewport, title and h1', () => {
    const html = page({ lang: 'de' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>Report a billing problem</title>');
    expect(html).toContain('<h1>Report a billing problem</h1>');
    expect(page()).toContain('<html lang="en">');
  });

  it('keeps every supplied string inert', () => {
    const evil = '<script>alert(1)</script>"\'';
    const html = renderFormPage({
      title: evil,
      intro: evil,
      submitUrl: `/submit"><script>alert(2)</script>`,
      submitLabel: evil,
      successMessage: evil,
      lang: '"><script>',
      nonce,
      hidden: { 'x"><script>': evil },
      schema: {
        type: 'object',
        required: [],
        properties: {
          'k"><script>': { type: 'string', title: evil, description: evil, enum: [evil] },
          obj: { type: 'object', title: evil, properties: { a: { type: 'string', default: evil } } },
        },
      },
    });
    // The only script element is ours, and the only `<` of the payload left is escaped.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('alert(1)</script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;');
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline handlers (the CSP would block them anyway)
  });

  it('renders one labelled control per leaf, in schema order, grouped in fieldsets', () => {
    const html = page();
    const ids = [...html.matchAll(/<(?:input|textarea|select)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'field-requester-email',
      'field-requester-name',
      'field-subject',
      'field-description',
      'field-fields-invoiceId',
      'field-fields-riskLevel',
      'field-fields-priority',
      'field-fields-reproductionSteps',
    ]);
    for (const id of ids) expect(labelFor(html, id ?? '')).toBeTruthy();
    expect(html).toMatch(
      /<fieldset>\s*<legend>Requester<\/legend>[\s\S]*field-requester-name[\s\S]*<\/fieldset>/,
    );
    expect(html).toContain('<legend>Fields</legend>');
    expect(tagWithId(html, 'field-requester-email')).toContain('name="requester.email"');
    expect(tagWithId(html, 'field-fields-invoiceId')).toContain('name="fields.invoiceId"');
    expect(html).not.toContain('name="submissionId"'); // the script supplies it
  });

  it('picks the control from the schema: email, textarea, select, text with maxlength', () => {
    const html = page();
    expect(tagWithId(html, 'field-requester-email')).toMatch(/^<input type="email"/);
    expect(tagWithId(html, 'field-requester-email')).toContain('autocomplete="email"');
    expect(tagWithId(html, 'field-subject')).toMatch(/^<input type="text"/);
    expect(tagWithId(html, 'field-subject')).toContain('maxlength="998"');
    expect(tagWithId(html, 'field-description')).toMatch(/^<textarea/);
    expect(tagWithId(html, 'field-fields-reproductionSteps')).toMatch(/^<textarea/);
    expect(tagWithId(html, 'field-fields-riskLevel')).toMatch(/^<select/);
    // A required enum starts at an empty "Choose…"; an optional one can be left at "(none)".
    expect(html).toMatch(
      /id="field-fields-priority"[^>]*>\s*<option value="">Choose…<\/option>\s*<option value="p1">p1<\/option>\s*<option value="p2">p2<\/option>/,
    );
    expect(html).toMatch(/id="field-fields-riskLevel"[^>]*>\s*<option value="">\(none\)<\/option>/);
  });

  it('marks required controls (attribute, aria and a visible marker) and only those', () => {
    const html = page();
    const required = [
      'field-requester-email',
      'field-subject',
      'field-description',
      'field-fields-invoiceId',
    ];
    for (const id of required) {
      expect(tagWithId(html, id)).toContain('required aria-required="true"');
      expect(labelFor(html, id)).toContain('<span class="required">(required)</span>');
    }
    for (const id of ['field-requester-name', 'field-fields-riskLevel', 'field-fields-reproductionSteps']) {
      expect(tagWithId(html, id)).not.toContain('required');
      expect(labelFor(html, id)).not.toContain('(required)');
    }
    expect(html).toContain('<form id="fd-form" action="/submit" method="post" novalidate');
  });

  it('links a description to its control as a hint', () => {
    const html = page();
    expect(html).toContain(
      '<p class="hint" id="field-fields-invoiceId-hint">As printed on the invoice, e.g. INV-2041</p>',
    );
    expect(tagWithId(html, 'field-fields-invoiceId')).toContain(
      'aria-describedby="field-fields-invoiceId-hint"',
    );
    expect(html).toContain('<p class="error-message" id="field-fields-invoiceId-error" hidden></p>');
    expect(tagWithId(html, 'field-subject')).not.toContain('aria-describedby');
  });

  it('puts hidden values at their dotted path and shows no control for them', () => {
    const html = page({ hidden: { 'fields.invoiceId': 'INV-1', token: 'a"b' } });
    expect(html).toContain(
      '<input type="hidden" name="fields.invoiceId" data-keys="[&#34;fields&#34;,&#34;invoiceId&#34;]" value="INV-1">',
    );
    expect(html).toContain(
      '<input type="hidden" name="token" data-keys="[&#34;token&#34;]" value="a&#34;b">',
    );
    expect(html).not.toContain('id="field-fields-invoiceId"');
  });

  it('asks for a submissionId only when the schema has one at the top level', () => {
    expect(page()).toMatch(/<form [^>]*data-submission-id/);
    const fieldsOnly: JsonSchemaObject = {
      type: 'object',
      required: ['fields'],
      properties: {
        fields: { type: 'object', required: ['customerId'], properties: { customerId: { type: 'string' } } },
      },
    };
    const html = page({ schema: fieldsOnly });
    expect(html).not.toMatch(/<form [^>]*data-submission-id/);
    expect(labelFor(html, 'field-fields-customerId')).toBe(
      'Customer id <span class="required">(required)</span>',
    );
  });

  it('puts the nonce on its one inline script, which carries nothing from the caller', () => {
    const html = page();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(scriptOf(html)).toBeTruthy();
    expect(scriptOf(html)).toBe(
      scriptOf(page({ title: 'Other', schema: { type: 'object', properties: {} } })),
    );
    expect(() => page({ nonce: '"><script>' })).toThrow(/nonce/);
  });

  it('embeds its script as a function that parses, called with the ids it shares with the markup', () => {
    const script = scriptOf(page()) ?? '';
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain(
      '({"formId":"fd-form","summaryId":"fd-summary","summaryTitleId":"fd-summary-title","successId":"fd-success"});',
    );
    expect(page()).toContain('<form id="fd-form" ');
    expect(page()).toContain('<div id="fd-summary" ');
  });

  it('takes zod toJSONSchema output, resolving $refs and nullable unions', () => {
    const invoiceId = fieldSchemaFor({ type: 'string', label: 'Invoice ID', required: true, maxLength: 40 });
    const risk = fieldSchemaFor({ type: 'enum', label: 'Risk', values: ['low', 'high'], required: false });
    const schema = z.toJSONSchema(
      z.object({
        fields: z.object({ invoiceId, risk: z.optional(risk) }),
        submissionId: z.optional(z.string()),
      }),
    );
    const html = page({ schema });
    expect(labelFor(html, 'field-fields-invoiceId')).toContain('Invoice ID');
    expect(tagWithId(html, 'field-fields-invoiceId')).toContain('maxlength="40"');
    expect(tagWithId(html, 'field-fields-invoiceId')).toContain('required');
    expect(tagWithId(html, 'field-fields-risk')).toMatch(/^<select/);

    const withRefs = page({
      schema: {
        type: 'object',
        $defs: { Email: { type: 'string', format: 'email', title: 'Email' } },
        properties: {
          contact: { $ref: '#/$defs/Email' },
          note: { anyOf: [{ type: 'string', 'x-frontdoor-type': 'text' }, { type: 'null' }], title: 'Note' },
          tags: { type: 'array', items: { type: 'string' } },
          count: { type: 'integer', title: 'How many' },
        },
      },
    });
    expect(tagWithId(withRefs, 'field-contact')).toMatch(/^<input type="email"/);
    expect(tagWithId(withRefs, 'field-note')).toMatch(/^<textarea/);
    expect(labelFor(withRefs, 'field-note')).toBe('Note');
    expect(withRefs).not.toContain('field-tags');
    expect(tagWithId(withRefs, 'field-count')).toContain('inputmode="numeric"');
    expect(tagWithId(withRefs, 'field-count')).toContain('data-type="integer"');
  });
});

describe('formPageHeaders', () => {
  it('sends the strict CSP with the nonce, HTML and no caching', () => {
    expect(formPageHeaders(nonce)).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
  });

  it('refuses a nonce that could break out of the header', () => {
    expect(() => formPageHeaders("abc'; script-src *")).toThrow(/nonce/);
    expect(() => formPageHeaders('')).toThrow(/nonce/);
  });
});

describe('renderFormIndex', () => {
  it('lists the forms as links described by their description, escaped', () => {
    const html = renderFormIndex({
      title: 'How can we help?',
      forms: [
        { label: 'Billing <problem>', description: 'Invoices & refunds', url: '/forms/billing?a=1&b=2' },
        { label: 'Outage', description: 'Something is down', url: '/forms/outage' },
      ],
    });
    expect(html).toContain('<h1>How can we help?</h1>');
    expect(html).toContain(
      '<a href="/forms/billing?a=1&#38;b=2" aria-describedby="form-0-description">Billing &#60;problem&#62;</a>',
    );
    expect(html).toContain('<p id="form-0-description">Invoices &#38; refunds</p>');
    expect(html).toContain('<a href="/forms/outage" aria-describedby="form-1-description">Outage</a>');
    expect(html).not.toContain('<script');
  });

  it('says so when there is nothing to list', () => {
    expect(renderFormIndex({ title: 'Forms', forms: [] })).toContain(
      'There are no forms to fill in right now.',
    );
  });
});

describe('renderMessagePage', () => {
  it('renders an escaped message in paragraphs', () => {
    const html = renderMessagePage({
      title: 'This link has expired',
      message: 'Ask for <a new> one.\n\nIt lasts 7 days.',
    });
    expect(html).toContain('<title>This link has expired</title>');
    expect(html).toContain('<div class="notice notice-info">');
    expect(html).toContain('<p>Ask for &#60;a new&#62; one.</p>\n<p>It lasts 7 days.</p>');
  });

  it('says "Error:" in the title of an error page', () => {
    const html = renderMessagePage({ title: 'Not found', message: 'No such form.', status: 'error' });
    expect(html).toContain('<title>Error: Not found</title>');
    expect(html).toContain('<div class="notice notice-error">');
  });
});
