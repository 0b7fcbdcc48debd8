import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The agent UI reads the API's shapes from shared/ (its zod schemas and domain types) as types only: vite
// erases `import type`, so the browser bundle holds nothing of shared/ or zod. A value import would bundle
// shared's code, and so would `import { type X }`, which verbatimModuleSyntax keeps as a module import.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const UI_SRC = join(ROOT, 'ui/src');
// Every import or re-export declaration with its specifier (multi-line name lists included).
const DECLARATION = /^(import|export)\b([^;]*?)\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^import\s*['"]([^'"]+)['"]/gm;

/** `file:line` of each import or re-export of shared/ that is not type-only. */
function sharedValueImports(name: string, source: string): string[] {
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const fromShared = (specifier: string) => /(^|\/)shared(\/|$)/.test(specifier);
  const declarations = [...source.matchAll(DECLARATION)]
    .filter((m) => fromShared(m[3] ?? '') && !/^\s*type\s/.test(m[2] ?? ''))
    .map((m) => `${name}:${lineOf(m.index)} ${m[1]}s ${m[3]} as values`);
  const sideEffects = [...source.matchAll(SIDE_EFFECT)]
    .filter((m) => fromShared(m[1] ?? ''))
    .map((m) => `${name}:${lineOf(m.index)} imports ${m[1]} for its side effects`);
  return [...declarations, ...sideEffects];
}

describe('the agent UI and shared/', () => {
  it('imports shared/ as types only, so the bundle holds none of its code', () => {
    const files = readdirSync(UI_SRC, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(UI_SRC, f));
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    // The API's shapes do come from shared/ (this test would pass trivially otherwise).
    expect(sources.some((s) => /^import type[^;]*from '\.\.\/\.\.\/shared\//m.test(s))).toBe(true);
    const problems = files.flatMap((file, i) =>
      sharedValueImports(relative(ROOT, file).split(sep).join('/'), sources[i] ?? ''),
    );
    expect(problems).toEqual([]);
  });

  it('flags value imports, inline type names, re-exports and side-effect imports of shared/', () => {
    const source = [
      "import type { Ticket } from '../../shared/domain';",
      "export type { Ticket } from '../../shared/domain';",
      "import { TicketSchema } from '../../shared/domain';",
      "import {\n  type Priority,\n} from '../../shared/domain/ticket';",
      "export { STATES } from '../shared/domain/states';",
      "import '../../shared/domain/zod';",
      "import { h } from './dom';",
    ].join('\n');
    expect(sharedValueImports('x.ts', source)).toEqual([
      'x.ts:3 imports ../../shared/domain as values',
      'x.ts:4 imports ../../shared/domain/ticket as values',
      'x.ts:7 exports ../shared/domain/states as values',
      'x.ts:8 imports ../../shared/domain/zod for its side effects',
    ]);
  });
});
