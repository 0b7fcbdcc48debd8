import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AccountContext, Requester } from '../../shared/domain';
import { WebhookPayload } from '../../shared/http/webhook-payload';

// Runtime code uses zod/mini through shared/domain/zod.ts only, as `import * as z`. Classic `zod`, or
// zod/mini's `{ z }` object, would put ~430 KB back into every Lambda bundle (esbuild cannot drop the
// unused parts of one object), and a direct `zod/mini` import could skip the English locale, leaving
// 400 answers that say nothing but "Invalid input".

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUNTIME_ROOTS = ['shared', 'functions'];
const ZOD_DOOR = 'shared/domain/zod.ts';
const ZOD_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](zod(?:\/[^'"]*)?)['"]/g;
// An import of the door (`./zod`, `../domain/zod`) that is neither `import * as z` nor type-only.
const DOOR_IMPORT = /\bimport\s+(?!\*\s*as\s|type\s)[^;]*?\bfrom\s*['"]\.{1,2}\/(?:[^'"]*\/)?zod['"]/g;

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line problem` for each zod import that bypasses the door, is classic zod or defeats tree shaking. */
function zodImportProblems(name: string, source: string): string[] {
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const direct = [...source.matchAll(ZOD_SPECIFIER)].flatMap((m) => {
    const specifier = m[1] ?? '';
    if (specifier === 'zod') return [`${name}:${lineOf(m.index)} imports classic 'zod'; use ${ZOD_DOOR}`];
    if (name !== ZOD_DOOR) return [`${name}:${lineOf(m.index)} imports '${specifier}'; use ${ZOD_DOOR}`];
    return [];
  });
  const named = [...source.matchAll(DOOR_IMPORT)].map(
    (m) => `${name}:${lineOf(m.index)} imports names from the zod door; write \`import * as z\``,
  );
  return [...direct, ...named];
}

describe('zod in runtime code', () => {
  it('comes only from shared/domain/zod.ts, as a zod/mini namespace with English messages', () => {
    const files = RUNTIME_ROOTS.flatMap((dir) => tsFilesUnder(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((file) =>
      zodImportProblems(relative(ROOT, file).split(sep).join('/'), readFileSync(file, 'utf8')),
    );
    expect(problems).toEqual([]);
    expect(readFileSync(join(ROOT, ZOD_DOOR), 'utf8')).toMatch(/^config\(en\(\)\);$/m);
  });

  it('flags classic zod anywhere, zod/mini outside the door and named imports of the door', () => {
    const source = [
      "import { z } from 'zod';",
      "import { z as mini } from 'zod/mini';",
      "import type { ZodType } from 'zod';",
      "const m = await import('zod/v4');",
      "import * as z from '../domain/zod';",
      "import type * as t from './zod';",
      "import { z as zz } from '../domain/zod';",
      'import {',
      '  string,',
      "} from './zod';",
    ].join('\n');
    expect(zodImportProblems('shared/http/x.ts', source).map((p) => p.split(' ')[0])).toEqual([
      'shared/http/x.ts:1',
      'shared/http/x.ts:2',
      'shared/http/x.ts:3',
      'shared/http/x.ts:4',
      'shared/http/x.ts:7',
      'shared/http/x.ts:8',
    ]);
    expect(zodImportProblems(ZOD_DOOR, "export * from 'zod/mini';")).toEqual([]);
    expect(zodImportProblems(ZOD_DOOR, "import { z } from 'zod';")).toHaveLength(1);
  });

  // This file loads no classic zod (which would register English by itself), so these are the
  // messages a Lambda sends back in its 400s.
  it('speaks English in built-in messages and keeps the custom ones', () => {
    const issues = (result: { error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
      result.error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues(Requester.safeParse({ email: 'nope', name: 'x'.repeat(201) }))).toEqual([
      ['email', 'must be an email address'],
      ['name', 'Too big: expected string to have <=200 characters'],
    ]);
    expect(issues(AccountContext.safeParse({ id: '' }))).toEqual([
      ['id', 'Too small: expected string to have >=1 characters'],
    ]);
    expect(
      issues(
        WebhookPayload.safeParse({
          subject: 'Hi',
          body: 1,
          requester: { email: 'a@b.example' },
          tags: Array.from({ length: 51 }, () => 'a'),
        }),
      ),
    ).toEqual([
      ['id', 'Invalid input: expected string, received undefined'],
      ['body', 'Invalid input: expected string, received number'],
      ['tags', 'at most 50 tags'],
    ]);
  });
});
