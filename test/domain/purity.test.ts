import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The domain and the workflow config must run anywhere (Lambda, the local runtime, a unit test,
// `cdk synth`) and give the same answer twice: no I/O, no ambient clock, env or randomness.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PURE_ROOTS = ['shared/domain', 'shared/config', 'shared/metrics'];
// `zod/locales` is data (message templates): shared/domain/zod.ts gives zod/mini its English messages.
// Which zod runtime code may import is test/domain/zod.test.ts's business.
const ALLOWED_PACKAGES = new Set(['zod', 'zod/mini', 'zod/locales', 'ulid']);
const FORBIDDEN_DIRS = ['shared/adapters', 'shared/http', 'shared/use-cases', 'infra', 'functions'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0] ?? m]));
const FORBIDDEN_TOKENS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bprocess\s*\.\s*env\b/g, 'reads process.env (configuration comes in as arguments)'],
  [/\bDate\s*\.\s*now\s*\(/g, 'calls Date.now( (time comes in as an argument)'],
  [/\bnew\s+Date\s*\(\s*\)/g, 'calls new Date() without a time (time comes in as an argument)'],
  [/\bMath\s*\.\s*random\s*\(/g, 'calls Math.random( (ids and choices must be reproducible)'],
];

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

interface Specifier {
  readonly specifier: string;
  readonly line: number;
}

const IMPORT_PATTERNS = [
  // import x from '…', import type { a } from '…', export * from '…', export { a } from '…'
  /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w*\s{},$]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  // import '…' (side effects only)
  /^[ \t]*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

function specifiersIn(source: string): Specifier[] {
  const found: Specifier[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of source.matchAll(pattern)) {
      const specifier = m[1] ?? '';
      found.push({ specifier, line: lineAt(source, m.index + m[0].lastIndexOf(specifier)) });
    }
  }
  return found;
}

function isBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '')
  );
}

function insideForbiddenDir(path: string): string | undefined {
  const rel = relative(ROOT, path).split(sep).join('/');
  return FORBIDDEN_DIRS.find((dir) => rel === dir || rel.startsWith(`${dir}/`));
}

function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * Problems in one source file, and the local files it imports (to be checked in turn).
 * `file` is only used to name the file and resolve relative imports.
 */
function inspect(file: string, source: string): { violations: Violation[]; imports: string[] } {
  const name = relative(ROOT, file).split(sep).join('/');
  const violations: Violation[] = [];
  const imports: string[] = [];
  const flag = (line: number, problem: string) => violations.push({ file: name, line, problem });

  for (const { specifier, line } of specifiersIn(source)) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const target = resolve(dirname(file), specifier);
      const dir = insideForbiddenDir(target);
      if (dir) {
        flag(line, `imports "${specifier}", which is inside ${dir}/`);
        continue;
      }
      const resolved = resolveRelative(file, specifier);
      if (resolved) imports.push(resolved);
      else flag(line, `imports "${specifier}", which does not resolve to a .ts file`);
    } else if (isBuiltin(specifier)) {
      flag(line, `imports the Node built-in "${specifier}"`);
    } else if (!ALLOWED_PACKAGES.has(specifier)) {
      flag(line, `imports "${specifier}"; only ${[...ALLOWED_PACKAGES].join(', ')} are allowed`);
    }
  }
  for (const m of source.matchAll(/\bimport\s*\(\s*[^'"\s)]/g)) {
    flag(lineAt(source, m.index), 'imports a computed module name');
  }
  for (const [pattern, problem] of FORBIDDEN_TOKENS) {
    for (const m of source.matchAll(pattern)) flag(lineAt(source, m.index), problem);
  }
  return { violations, imports };
}

function tsFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every file reachable from the pure roots through relative imports, each checked once. */
function checkPureGraph(): { checked: string[]; violations: Violation[] } {
  const queue = PURE_ROOTS.flatMap((dir) => tsFilesUnder(join(ROOT, dir)));
  const seen = new Set<string>();
  const violations: Violation[] = [];
  while (queue.length > 0) {
    const file = queue.pop();
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    const result = inspect(file, readFileSync(file, 'utf8'));
    violations.push(...result.violations);
    queue.push(...result.imports);
  }
  return { checked: [...seen], violations };
}

const describeViolation = (v: Violation) => `${v.file}:${v.line} ${v.problem}`;

describe('the pure core', () => {
  it('imports nothing impure and reads no ambient time, environment or randomness, transitively', () => {
    const { checked, violations } = checkPureGraph();
    expect(checked.length).toBeGreaterThan(0);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('reaches the domain index and the config index when walking the import graph', () => {
    const { checked } = checkPureGraph();
    const names = checked.map((f) => relative(ROOT, f).split(sep).join('/'));
    expect(names).toEqual(expect.arrayContaining(['shared/domain/index.ts', 'shared/config/index.ts']));
  });
});

describe('the purity detector', () => {
  const fakeFile = join(ROOT, 'shared/domain/fake.ts');

  it('flags every kind of impurity in a synthetic source, naming the line', () => {
    const bad = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import middy from '@middy/core';",
      "import { readFileSync } from 'node:fs';",
      "import { createHash } from 'crypto';",
      "import type { TicketRepository } from '../adapters/ticket-repository';",
      "export { errors } from '../http/errors';",
      "import '../../infra/stateless-stack';",
      "const handler = await import('../../functions/receive-webhook/handler');",
      "import lodash from 'lodash';",
      'const table = process.env.TABLE_NAME;',
      'const t = Date.now();',
      'const d = new Date();',
      'const r = Math.random();',
      'const m = await import(moduleName);',
      'import {',
      '  readFile,',
      "} from 'fs/promises';",
    ].join('\n');
    const lines = inspect(fakeFile, bad)
      .violations.map((v) => v.line)
      .sort((a, b) => a - b);
    expect(lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17]);
    expect(inspect(fakeFile, bad).violations.every((v) => v.file === 'shared/domain/fake.ts')).toBe(true);
  });

  it('accepts zod, ulid, local pure imports and explicit times', () => {
    const good = [
      "import { z } from 'zod';",
      "import { z as mini } from 'zod/mini';",
      "import { ulid } from 'ulid';",
      "import type { Ticket } from './ticket';",
      'const at = new Date(now.getTime() + 1000);',
      "const message = 'moved from resolved';",
    ].join('\n');
    expect(inspect(fakeFile, good).violations).toEqual([]);
  });
});
