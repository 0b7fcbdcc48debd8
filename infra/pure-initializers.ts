import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Node, parse } from 'acorn';
import { type Plugin, transform } from 'esbuild';

/**
 * What a function bundle carries of this repository's modules that it never uses (issue 21): a module's
 * top-level `const X = z.object(…).check(…)` is a call, and esbuild keeps every call it cannot prove free
 * of side effects, so a handler importing one helper from a module also builds — at every cold start —
 * each schema, table and client declared beside it. esbuild drops a call marked `/* @__PURE__ *\/` whose
 * value goes unused, but reads the mark only on the call right after it (not on a chain like
 * `z.object(…).check(…)`) and never across modules (esbuild issue #4369: `@__NO_SIDE_EFFECTS__` on zod's
 * own factories is not seen from here). So at bundling, each such initializer becomes a marked
 * immediately-invoked arrow function: `const X = /* @__PURE__ *\/ (() => (z.object(…).check(…)))()`.
 * Where the value is used, it runs in the same place and order as before; where nothing uses it, esbuild
 * drops it and what only it referenced.
 *
 * Safe because no top-level `const` in `shared/` exists for a side effect of its initializer (a module
 * that needs one at load writes it as a statement, e.g. `config(en())` in shared/domain/zod.ts, which this
 * leaves alone): test/infra/pure-initializers.test.ts keeps that true. Initializers that `await` stay as
 * they are (an arrow function cannot hold a top-level await), and so do functions (nothing runs).
 */

const PURE_MARK = '/* @__PURE__ */ (() => (';
const PURE_END = '))()';

type AnyNode = Node & Record<string, unknown>;

/**
 * Whether evaluating the expression now reaches a node of one of `types`: functions it defines are not
 * entered (their bodies run later).
 */
function reachesAtOnce(node: unknown, types: ReadonlySet<string>): boolean {
  if (Array.isArray(node)) return node.some((n) => reachesAtOnce(n, types));
  if (node === null || typeof node !== 'object' || typeof (node as AnyNode).type !== 'string') return false;
  const n = node as AnyNode;
  if (types.has(n.type)) return true;
  if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') return false;
  return Object.entries(n).some(([key, value]) => key !== 'type' && reachesAtOnce(value, types));
}

/** Calling or constructing anything. */
const CALLS = new Set(['CallExpression', 'NewExpression', 'TaggedTemplateExpression']);
/** A module's top-level await. */
const AWAITS = new Set(['AwaitExpression']);

/** The top-level `const` declarators of an ES module whose initializer calls something when it loads. */
export function callingInitializers(
  js: string,
): Array<{ name: string; exported: boolean; start: number; end: number }> {
  const program = parse(js, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as {
    body: AnyNode[];
  };
  const found: Array<{ name: string; exported: boolean; start: number; end: number }> = [];
  for (const statement of program.body) {
    const declaration =
      statement.type === 'ExportNamedDeclaration' ? (statement.declaration as AnyNode | null) : statement;
    if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const') continue;
    for (const declarator of declaration.declarations as AnyNode[]) {
      const init = declarator.init as AnyNode | null;
      const id = declarator.id as AnyNode;
      if (!init || !reachesAtOnce(init, CALLS) || reachesAtOnce(init, AWAITS)) continue;
      found.push({
        name: id.type === 'Identifier' ? String(id.name) : '(pattern)',
        exported: statement.type === 'ExportNamedDeclaration',
        start: init.start,
        end: init.end,
      });
    }
  }
  return found;
}

/** The module with each calling top-level `const` initializer marked pure (see above). */
export function markPureInitializers(js: string): string {
  let out = js;
  // From the last to the first, so the earlier offsets still hold.
  for (const { start, end } of callingInitializers(js).toReversed())
    out = `${out.slice(0, start)}${PURE_MARK}${out.slice(start, end)}${PURE_END}${out.slice(end)}`;
  return out;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED_MODULE = new RegExp(`^${REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}shared/.+\\.ts$`);
const TSCONFIG = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8')) as {
  compilerOptions: Record<string, unknown>;
};

/**
 * The esbuild plugin that applies `markPureInitializers` to the modules of `shared/` (TypeScript first
 * compiled as esbuild would, with the repository's compiler options; its source map goes along, so stack
 * traces still name the .ts lines).
 */
export const pureInitializers: Plugin = {
  name: 'frontdoor-pure-initializers',
  setup(build) {
    build.onLoad({ filter: SHARED_MODULE }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const { code } = await transform(source, {
        loader: 'ts',
        format: 'esm',
        target: 'esnext',
        sourcefile: args.path,
        sourcemap: 'inline',
        tsconfigRaw: { compilerOptions: TSCONFIG.compilerOptions },
      });
      return { contents: markPureInitializers(code), loader: 'js' };
    });
  },
};
