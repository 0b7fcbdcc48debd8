import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { besideBundleNeeds, ESM_REQUIRE_SHIM, functionBundling, placeBeside } from '../../infra/bundling';
import { TinyLanguageDetector } from '../../shared/adapters/language-detector';
import { parseMail } from '../../shared/adapters/mail-parser';
import { DEFAULT_LANGUAGE } from '../../shared/config/intent';
import { renderMarkdown } from '../../shared/http/markdown';
import { type FunctionSpec, functions } from '../../shared/topology';
import { temporaryDirectories } from '../support/cdk';

// What each function carries (issue 21, "Lighter functions"): every bundle built with the options the CDK
// deploys (infra/bundling.ts), measured in bytes — deterministic, unlike its start-up time, which
// `npm run bench` reports. bundle.test.ts checks the same options through NodejsFunction itself.

const ROOT = resolve(import.meta.dirname, '../..');
const KiB = 1024;

/** The budget for a function behind the API. */
const API_BUDGET = 420 * KiB;
/** The goal for the mail parser's function. */
const MAIL_BUDGET = 900 * KiB;
/** Functions behind no route (queues, streams, the state machine): held to the API's budget too. */
const OTHER_BUDGET = API_BUDGET;

/**
 * Functions that do not fit their budget, at today's size rounded up to the next 10 KiB, and what makes
 * them big. Each carries a library its work cannot do without; what could be cut or left beside the bundle
 * is (see infra/bundling.ts). Lower a figure when a change shrinks one; raise one only with a reason.
 */
const OVER_BUDGET: Readonly<Record<string, { readonly kib: number; readonly why: string }>> = {
  'send-notification': { kib: 430, why: 'Powertools idempotency, the article search for suggestions' },
};

function budgetOf(fn: FunctionSpec): number {
  const over = OVER_BUDGET[fn.name];
  if (over) return over.kib * KiB;
  if (fn.triggers.some((t) => t.kind === 'inbound-mail')) return MAIL_BUDGET;
  return fn.triggers.some((t) => t.kind === 'http') ? API_BUDGET : OTHER_BUDGET;
}

async function bundle(entry: string, options: { minify?: boolean } = {}): Promise<Uint8Array> {
  const out = await build({
    ...functionBundling,
    ...options,
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles?.[0]?.contents;
  if (!js) throw new Error(`esbuild wrote nothing for ${entry}`);
  return js;
}

const loaded = temporaryDirectories();
afterAll(() => loaded.removeAll());

/**
 * A module of the sources bundled with the deployed options, written to a directory of its own with the
 * files the CDK copies beside a bundle that requires them, and imported: its code and its exports.
 */
async function bundledModule<T>(entry: string): Promise<{ code: string; module: T }> {
  const dir = loaded.make('frontdoor-bundled-');
  const js = await bundle(entry);
  const code = new TextDecoder().decode(js);
  const file = join(dir, 'index.mjs');
  writeFileSync(file, js);
  await placeBeside(ROOT, code, dir);
  return { code, module: (await import(pathToFileURL(file).href)) as T };
}

const bundles = new Map<string, string>();

beforeAll(async () => {
  for (const fn of functions) bundles.set(fn.name, new TextDecoder().decode(await bundle(fn.entry)));
});

describe('every function bundle', () => {
  it.each(functions.map((fn) => [fn.name, fn] as const))('%s fits its budget', (name, fn) => {
    const size = Buffer.byteLength(bundles.get(name) ?? '');
    expect(size).toBeGreaterThan(0);
    expect(size, `${name}: ${(size / KiB).toFixed(0)} KiB`).toBeLessThanOrEqual(budgetOf(fn));
  });

  it('names no function over its budget that fits it by a margin (the figures stay honest)', () => {
    for (const [name, { kib }] of Object.entries(OVER_BUDGET)) {
      const fn = functions.find((f) => f.name === name);
      expect(fn, name).toBeDefined();
      const size = Buffer.byteLength(bundles.get(name) ?? '');
      // Within 20 KiB of the recorded figure: a bundle that shrank more should get the lower one.
      expect(kib * KiB - size, name).toBeLessThan(20 * KiB);
    }
  });

  it("has neither the SDK's whole credential chain, nor the config's parser, nor the topology", () => {
    // Markers that only those carry: a provider's debug message, WorkflowConfigError's, a spec's entry.
    const carries = (name: string, marker: string) => bundles.get(name)?.includes(marker) ?? false;
    for (const name of bundles.keys()) {
      expect(carries(name, 'defaultProvider::fromSSO'), name).toBe(false);
      expect(carries(name, 'Invalid workflow config'), name).toBe(false);
      // describe-api prints the topology's routes: it is the one function that needs it.
      if (name !== 'describe-api') expect(carries(name, 'functions/get-ticket/handler.ts'), name).toBe(false);
    }
  });
});

describe('the mail parser, bundled', () => {
  let bundled: typeof parseMail;

  beforeAll(async () => {
    // With the files the CDK copies beside the bundle (iconv-lite's CJK tables), as receive-email has them.
    const { code, module } = await bundledModule<{ parseMail: typeof parseMail }>(
      'shared/adapters/mail-parser.ts',
    );
    expect(besideBundleNeeds(code).length).toBeGreaterThan(0);
    bundled = module.parseMail;
  });

  /** A plain-text mail whose subject and body are `text` in `charset`, as bytes of that charset. */
  function mailIn(charset: string, bytes: readonly number[]): Buffer {
    const head = [
      'From: Kunde <customer@example.com>',
      'To: support@example.com',
      'Subject: charset test',
      'Message-ID: <charset-test@example.com>',
      'Date: Mon, 07 Dec 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${charset}`,
      'Content-Transfer-Encoding: 8bit',
      '',
      '',
    ].join('\r\n');
    return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(bytes), Buffer.from('\r\n')]);
  }

  it.each([
    // 日本語 in Shift_JIS, 中文 in GBK and Big5, 한국어 in EUC-KR: each reads a table from beside the bundle.
    ['Shift_JIS', [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea], '日本語'],
    ['GBK', [0xd6, 0xd0, 0xce, 0xc4], '中文'],
    ['Big5', [0xa4, 0xa4, 0xa4, 0xe5], '中文'],
    ['EUC-KR', [0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee], '한국어'],
    // 日本語 in ISO-2022-JP: libmime converts it with encoding-japanese, which the bundle loads from beside it.
    ['ISO-2022-JP', [27, 36, 66, 70, 124, 75, 92, 56, 108, 27, 40, 66], '日本語'],
  ] as const)('decodes a %s body as the sources do', async (charset, bytes, text) => {
    const raw = mailIn(charset, bytes);
    const fromBundle = await bundled(raw);
    expect(fromBundle.text.trim()).toBe(text);
    expect(fromBundle).toEqual(await parseMail(raw));
  });

  it('reads UTF-16 with a byte order mark, windows-1252, and UTF-7 (left undecoded) as the sources do', async () => {
    // libmime builds these codec lists on the first mail in another charset than UTF-8 (infra/deferred-loads.ts).
    const cases = [
      ['UTF-16', [0xff, 0xfe, ...Buffer.from('Grüße', 'utf16le')], 'Grüße'],
      ['windows-1252', [0x47, 0x72, 0xfc, 0xdf, 0x65], 'Grüße'],
      // UTF-7 smuggles markup past filters: libmime refuses to decode it, so "<b>" stays "+ADw-b+AD4-".
      ['UTF-7', [...Buffer.from('+ADw-b+AD4-')], '+ADw-b+AD4-'],
    ] as const;
    for (const [charset, bytes, text] of cases) {
      const raw = mailIn(charset, bytes);
      const fromBundle = await bundled(raw);
      expect(fromBundle.text, charset).toContain(text);
      expect(fromBundle, charset).toEqual(await parseMail(raw));
    }
  });

  it('reads a mail with links, addresses and <markup> in its text and HTML as the sources do', async () => {
    // linkify-it and he are stand-ins in the bundle (HTML renderings Frontdoor switches off or never reads).
    const text =
      'See https://example.com/refund?a=1&b=2 or www.example.org, mail help@example.com, ping @someone <b>';
    const raw = Buffer.from(
      [
        'From: "Kunde & Co" <customer@example.com>',
        'To: Support <support@example.com>, "A <B>" <b@example.com>',
        'Subject: links & <tags>',
        'Message-ID: <links-test@example.com>',
        'Date: Mon, 07 Dec 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<p>${text.replace('<b>', '&lt;b&gt;')} <a href="https://example.com">here</a></p>`,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const fromBundle = await bundled(raw);
    expect(fromBundle.text).toContain('https://example.com/refund?a=1&b=2');
    expect(fromBundle).toEqual(await parseMail(raw));
  });

  it('reads an HTML-only mail and typeless attachments as the sources do (what it loads on demand)', async () => {
    // html-to-text runs on the first mail without a text part, libmime's MIME type tables on the first
    // attachment sent as application/octet-stream or without a type (infra/deferred-loads.ts).
    const head = (type: string) => [
      'From: customer@example.com',
      'To: support@example.com',
      'Subject: on demand',
      'Message-ID: <on-demand@example.com>',
      'Date: Mon, 07 Dec 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      `Content-Type: ${type}`,
      '',
    ];
    const htmlOnly = Buffer.from(
      [
        ...head('text/html; charset=utf-8'),
        '<h1>Refund</h1><p>We were <b>charged twice</b>:</p><ul><li>12 &euro;</li><li>12 &euro;</li></ul>',
        '',
      ].join('\r\n'),
    );
    const fromBundle = await bundled(htmlOnly);
    expect(fromBundle.text).toMatch(/REFUND[\s\S]*charged twice[\s\S]*\* 12 €/);
    expect(fromBundle).toEqual(await parseMail(htmlOnly));

    const typeless = Buffer.from(
      [
        ...head('multipart/mixed; boundary="m"'),
        '--m',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Invoice and photo attached.',
        '--m',
        'Content-Type: application/octet-stream; name="invoice.pdf"',
        'Content-Disposition: attachment; filename="invoice.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 invoice').toString('base64'),
        '--m',
        'Content-Disposition: attachment; filename="photo.png"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('not really a png').toString('base64'),
        '--m--',
        '',
      ].join('\r\n'),
    );
    const withAttachments = await bundled(typeless);
    expect(withAttachments.attachments.map((a) => a.contentType)).toEqual(['application/pdf', 'image/png']);
    expect(withAttachments).toEqual(await parseMail(typeless));
  });
});

describe('the stand-ins of infra/bundling.ts', () => {
  it('load in a bundle that is not minified too (nothing of theirs clashes with the banner)', async () => {
    for (const entry of ['shared/adapters/mail-parser.ts', 'shared/adapters/language-detector.ts']) {
      const dir = loaded.make('frontdoor-unminified-');
      const js = await bundle(entry, { minify: false });
      expect(new TextDecoder().decode(js).startsWith(ESM_REQUIRE_SHIM), entry).toBe(true);
      writeFileSync(join(dir, 'index.mjs'), js);
      await placeBeside(ROOT, new TextDecoder().decode(js), dir);
      // Node itself, as Lambda loads the bundle (vitest's own import would transform the module first).
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); console.log('loaded');`,
      ]);
      expect(stdout.trim(), entry).toBe('loaded');
    }
  });
});

describe('the language detector, bundled', () => {
  let bundled: typeof TinyLanguageDetector;

  beforeAll(async () => {
    // With tinyld's profiles copied beside the bundle, as the intake functions have them.
    const { code, module } = await bundledModule<{ TinyLanguageDetector: typeof TinyLanguageDetector }>(
      'shared/adapters/language-detector.ts',
    );
    // tinyld's code (its export list names supportedLanguages) is beside the bundle, not in it.
    expect(code).not.toContain('supportedLanguages');
    bundled = module.TinyLanguageDetector;
  });

  it.each([
    ['Guten Tag, wir wurden letzten Monat zweimal belastet und bitten um eine Erstattung.'],
    ['Bonjour, nous avons été débités deux fois le mois dernier, merci de nous rembourser.'],
    ['Hello, we were charged twice last month and would like a refund, please.'],
  ])('detects the language of %j as the sources do', async (text) => {
    const fromBundle = await new bundled(DEFAULT_LANGUAGE).detect(text);
    expect(fromBundle).toMatch(/^(de|fr|en)$/);
    expect(fromBundle).toBe(await new TinyLanguageDetector(DEFAULT_LANGUAGE).detect(text));
  });
});

describe('the article renderer, bundled', () => {
  let bundled: typeof renderMarkdown;

  beforeAll(async () => {
    // With postcss and dayjs replaced by their stand-ins (infra/bundling.ts), as the KB functions have it.
    const { code, module } = await bundledModule<{ renderMarkdown: typeof renderMarkdown }>(
      'shared/http/markdown.ts',
    );
    expect(code).toContain('dayjs is not bundled');
    expect(code).toContain('postcss is not bundled');
    bundled = module.renderMarkdown;
  });

  it.each([
    ['# Refunds\n\nSee [the form](https://example.com/refund) or [mail us](mailto:help@example.com).'],
    ['[click](javascript:alert(1)) <script>alert(1)</script> <img src="x" onerror="alert(1)">'],
    ['- [x] done\n- [ ] to do\n\n```js\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |'],
    ['<a href="//evil.example/x">protocol-relative</a> <p style="color:red">styled</p>'],
  ])('renders %j as the sources do', (markdown) => {
    expect(bundled(markdown)).toBe(renderMarkdown(markdown));
  });
});
