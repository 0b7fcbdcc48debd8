/**
 * The knowledge base's public inputs with generated values (issue 18): the search query (public and
 * internal), the PUT body and path, the help centre's `q`, an imported file's front matter, and the
 * Markdown every page renders. Never a 5xx; a 400 names its fields; what is written stays storable; what
 * is rendered stays inert. The store is stubbed (test/local/kb.test.ts is end-to-end).
 */
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArticleFile } from '../../shared/adapters/article-files';
import { ArticleInputSchema, ArticleSchema } from '../../shared/domain/articles';
import { renderMarkdown } from '../../shared/http/markdown';
import { httpEvent, lambdaContext } from '../functions/events';
import { anArticle } from '../support/articles';
import { nastyText, orWrong, wrongType } from './arbitraries';
import { storeAndRead } from './dynamodb-item';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
beforeAll(async () => {
  for (const name of ['read-kb', 'write-article']) {
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  }
});

const stored = [
  anArticle(),
  anArticle({
    slug: 'internal-runbook',
    title: 'Runbook',
    audience: 'internal',
    requestTypes: ['bug_report'],
  }),
  anArticle({ slug: 'a-draft', title: 'Password draft', status: 'draft' }),
];
const LEAD = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };
const AGENT = { sub: 'agent-1', email: 'agent@example.com', 'cognito:groups': '[agent]' };

beforeEach(() => {
  db.reset();
  db.on(GetCommand).resolves({});
  db.on(GetCommand, { Key: { pk: 'KB', sk: 'VERSION' } }).resolves({ Item: { kbVersion: 1 } });
  db.on(GetCommand, { Key: { pk: 'KB', sk: `ARTICLE#${stored[0]?.slug}` } }).resolves({ Item: stored[0] });
  db.on(QueryCommand).resolves({ Items: stored });
  db.on(TransactWriteCommand).callsFake((input: { TransactItems?: Array<{ Put?: { Item?: object } }> }) => {
    for (const t of input.TransactItems ?? []) {
      if (!t.Put?.Item) continue;
      const { readBack } = storeAndRead(t.Put.Item as Record<string, unknown>);
      // The article, and beside it its body rendered to HTML for read-kb (entity article-html).
      if (readBack.entity === 'article-html') expect(readBack.html).toBeInstanceOf(Uint8Array);
      else expect(ArticleSchema.safeParse(readBack).success).toBe(true);
    }
    return {};
  });
});

async function answer(name: string, event: unknown) {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  const res = await handler(event, lambdaContext);
  expect(res.statusCode, res.body).toBeLessThan(500);
  const isJson = res.body.startsWith('{');
  const body = (isJson ? JSON.parse(res.body) : {}) as Record<string, unknown>;
  if (res.statusCode === 400) {
    expect(body.error).toBe('validation_failed');
    const issues = body.issues as Array<{ path: unknown; message: unknown }>;
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(typeof i.path === 'string' && typeof i.message === 'string').toBe(true);
  }
  return { status: res.statusCode, body, text: res.body };
}

const query = fc.oneof(
  { weight: 4, arbitrary: nastyText },
  {
    weight: 2,
    arbitrary: fc.constantFrom('pasword', 'reset my password', 'runbook', 'PASS*', '"', '~', '-x'),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 480, maxLength: 620 }) },
);
const queryString = fc.record(
  {
    q: query,
    requestType: fc.oneof(
      fc.constantFrom('access_request', 'bug_report', '', '__proto__'),
      fc.string({ maxLength: 8 }),
    ),
    limit: fc.oneof(fc.integer({ min: -2, max: 30 }).map(String), fc.string({ maxLength: 4 })),
  },
  { requiredKeys: [] },
);

describe('the knowledge-base handlers with generated input, store stubbed (not end-to-end)', () => {
  it('GET /v1/kb/search and /internal-search answer hits within the limit and the audience, or a 400; never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), async (params, internal) => {
        const routeKey = internal ? 'GET /v1/kb/internal-search' : 'GET /v1/kb/search';
        const event = {
          ...httpEvent({
            method: 'GET',
            path: routeKey.slice(4),
            routeKey,
            ...(internal ? { claims: AGENT } : {}),
          }),
          queryStringParameters: params,
        };
        const { status, body } = await answer('read-kb', event);
        seen.add(status);
        if (status !== 200) return;
        const hits = body.hits as Array<{ slug: string; audience: string }>;
        expect(hits.length).toBeLessThanOrEqual(Number(params.limit ?? 5));
        if (!internal) for (const h of hits) expect(h.audience).toBe('external');
        for (const h of hits) expect(h.slug).not.toBe('a-draft');
      }),
      { numRuns: 200 },
    );
    expect(seen).toContain(200);
    expect(seen).toContain(400);
  });

  it('GET /help?q= answers a page under the strict CSP with the query escaped; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const event = {
          ...httpEvent({ method: 'GET', path: '/help', routeKey: 'GET /help' }),
          queryStringParameters: { q },
        };
        const { status, text } = await answer('read-kb', event);
        if (status !== 200) return;
        expect(text).not.toMatch(/<script/i);
      }),
      { numRuns: 100 },
    );
  });

  const validBody = fc.record({
    title: fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t.trim() !== ''),
    body: fc.string({ maxLength: 400 }),
    audience: fc.constantFrom('external', 'internal'),
    requestTypes: fc.array(fc.constantFrom('access_request', 'bug_report'), { maxLength: 2 }),
    status: fc.constantFrom('draft', 'published'),
  });
  const articleBody = fc.oneof(
    { weight: 6, arbitrary: validBody },
    {
      weight: 10,
      arbitrary: fc.record(
        {
          title: orWrong(nastyText),
          body: orWrong(fc.oneof(nastyText, fc.string({ maxLength: 400 }))),
          audience: orWrong(fc.constantFrom('external', 'internal', 'public')),
          requestTypes: orWrong(fc.array(nastyText, { maxLength: 4 })),
          tags: orWrong(fc.array(nastyText, { maxLength: 4 })),
          locale: orWrong(fc.constantFrom('en', 'pt-BR', 'EN', 'x', 'de-DE-1996')),
          status: orWrong(fc.constantFrom('draft', 'published', 'live')),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }), wrongType) },
  );

  it('PUT /v1/kb/articles/{slug} answers 200/201 with a storable article, or a 4xx naming the problem; never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        articleBody,
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom('reset-your-password', 'new-article', 'Bad Slug', '-x', 'a--b'),
          },
          { weight: 1, arbitrary: nastyText },
        ),
        fc.option(fc.oneof(fc.integer({ min: 0, max: 3 }).map(String), fc.string({ maxLength: 4 })), {
          freq: 2,
        }),
        async (payload, slug, ifMatch) => {
          const event = httpEvent({
            method: 'PUT',
            path: `/v1/kb/articles/${slug}`,
            routeKey: 'PUT /v1/kb/articles/{slug}',
            pathParameters: { slug },
            body: JSON.stringify(payload) ?? 'null',
            headers: ifMatch === null ? {} : { 'if-match': ifMatch },
            claims: LEAD,
          });
          const { status, body } = await answer('write-article', event);
          seen.add(status);
          expect([200, 201, 400, 404, 409, 428]).toContain(status);
          if (status < 300) expect(ArticleSchema.safeParse(body.article).success).toBe(true);
        },
      ),
      { numRuns: 250 },
    );
    expect(seen).toContain(201);
    expect(seen).toContain(400);
  });

  it('POST /v1/kb/preview answers 200 with safe HTML or a 400 naming body, never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 8, arbitrary: fc.record({ body: fc.oneof(nastyText, fc.string({ maxLength: 400 })) }) },
          { weight: 1, arbitrary: fc.record({ body: wrongType }) },
          { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), wrongType) },
        ),
        async (payload) => {
          const event = httpEvent({
            method: 'POST',
            path: '/v1/kb/preview',
            routeKey: 'POST /v1/kb/preview',
            body: JSON.stringify(payload) ?? 'null',
            claims: LEAD,
          });
          const { status, body } = await answer('write-article', event);
          seen.add(status);
          expect([200, 400]).toContain(status);
          if (status === 200) {
            expect(typeof body.html).toBe('string');
            expect(body.html as string).not.toMatch(/<script/i);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(seen).toContain(200);
    expect(seen).toContain(400);
  });
});

describe('imported files and rendered Markdown with generated input', () => {
  const yamlValue = fc.oneof(
    nastyText.map((s) => JSON.stringify(s)),
    fc.constantFrom('[a, b]', '{x: 1}', '12', 'null', '- x', '&a', '*a', '!!binary x', '[unclosed'),
  );
  const frontMatter = fc.dictionary(
    fc.constantFrom(
      'slug',
      'title',
      'audience',
      'requestTypes',
      'tags',
      'locale',
      'status',
      'other',
      '__proto__',
    ),
    yamlValue,
    { maxKeys: 8 },
  );

  it('reads any front matter into a valid article or names its problems, and never runs code', () => {
    fc.assert(
      fc.property(
        frontMatter,
        fc.constantFrom('---', '---js', '---json', '--- yaml'),
        nastyText,
        (data, fence, body) => {
          const text = `${fence}\n${Object.entries(data)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}\n---\n${body}`;
          const parsed = parseArticleFile('generated-file.md', text);
          if (parsed.ok) expect(ArticleInputSchema.safeParse(parsed.input).success).toBe(true);
          else expect(parsed.problems.length).toBeGreaterThan(0);
          expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
    expect(parseArticleFile('x.md', '---js\n{ title: (globalThis.pwned = 1, "x") }\n---\n').ok).toBe(false);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  const hostile = fc.constantFrom(
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '[x](javascript:alert(1))',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(x)">s</p>',
    '<a href="jav&#x09;ascript:alert(1)">t</a>',
    '<scr<script>ipt>alert(1)</script>',
    '<div onmouseover="x()">d</div>',
    '![i](javascript:alert(1))',
    '<form action="https://evil.example"><input name="p"></form>',
  );

  it('renders any Markdown with no script, inline handler, style, iframe, form or javascript: URL', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostile, nastyText, fc.constantFrom('\n\n', '# ', '`', '```\n', '> ')), {
          maxLength: 12,
        }),
        (parts) => {
          // Text is escaped (`&lt;`), so every `<` left opens a real tag: only those are checked.
          for (const tag of renderMarkdown(parts.join('')).match(/<[^>]*>/g) ?? []) {
            expect(tag).not.toMatch(
              /^<\/?(script|iframe|svg|form|object|embed|style)\b|\son\w+\s*=|\sstyle\s*=|javascript:/i,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
