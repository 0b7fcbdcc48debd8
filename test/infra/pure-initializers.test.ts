import { globSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBundling } from '../../infra/bundling';
import { callingInitializers, markPureInitializers } from '../../infra/pure-initializers';

const ROOT = resolve(import.meta.dirname, '../..');

describe('markPureInitializers', () => {
  it('marks each top-level const that calls something when the module loads, and nothing else', () => {
    const js = [
      "import * as z from 'zod/mini';",
      'export const A = z.object({ a: z.string() }).check(z.refine(() => true));',
      'const B = new Set([1, 2]);',
      'export const C = 42;',
      'export const D = (x) => z.parse(A, x);',
      'export const E = { f: () => g() };',
      'let F = h();',
      'export function G() { const H = i(); return H; }',
      'export const J = tag`x`;',
      'call();',
    ].join('\n');
    expect(callingInitializers(js).map((d) => d.name)).toEqual(['A', 'B', 'J']);
    const out = markPureInitializers(js);
    expect(out).toContain(
      'export const A = /* @__PURE__ */ (() => (z.object({ a: z.string() }).check(z.refine(() => true))))();',
    );
    expect(out).toContain('const B = /* @__PURE__ */ (() => (new Set([1, 2])))();');
    expect(out).toContain('export const C = 42;');
    expect(out).toContain('let F = h();');
    expect(out).toContain('const H = i();');
    expect(out).toContain('\ncall();');
  });

  it('leaves an initializer that awaits at the top level as it is', () => {
    const js = "export const config = typeof X === 'string' ? JSON.parse(X) : (await import('./x')).parse();";
    expect(callingInitializers(js)).toEqual([]);
    expect(markPureInitializers(js)).toBe(js);
  });

  it('lets esbuild drop what nothing uses and keep what something uses, where it was', async () => {
    const js = [
      'const log = [];',
      "const Unused = Object.freeze({ tag: log.push('unused') });",
      "export const Used = Object.freeze({ tag: log.push('used') });",
      'export const seen = () => [Used, log];',
    ].join('\n');
    const shake = async (code: string) =>
      (await transform(code, { format: 'esm', treeShaking: true, minifySyntax: true })).code;
    // Unmarked, esbuild must keep both (the control); marked, only the one something reads is left.
    expect(await shake(js)).toContain('"unused"');
    const marked = await shake(markPureInitializers(js));
    expect(marked).not.toContain('"unused"');
    expect(marked).toContain('"used"');
  });
});

describe("shared/'s modules", () => {
  it('declare no top-level const for its side effect alone (marking it pure would drop it)', async () => {
    // A calling initializer whose name is neither exported nor read again in its module exists only for
    // what it does when it runs: a bundle would lose that. Write such code as a statement instead.
    const unread: string[] = [];
    for (const file of globSync('shared/**/*.ts', { cwd: ROOT })) {
      const source = readFileSync(resolve(ROOT, file), 'utf8');
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'esnext' });
      for (const { name, exported } of callingInitializers(code)) {
        const word = name.replace(/\$/g, '\\$');
        // Every mention, less property accesses of that name (`x.name`, not a spread `...name`).
        const mentions = code.match(new RegExp(`(?<![\\w$])${word}(?![\\w$])`, 'g'))?.length ?? 0;
        const properties = code.match(new RegExp(`(?<!\\.)\\.${word}(?![\\w$])`, 'g'))?.length ?? 0;
        const uses = mentions - properties;
        const listed = new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`).test(code);
        if (uses < 2 && !exported && !listed) unread.push(`${file}: ${name}`);
      }
    }
    expect(unread).toEqual([]);
  });

  it('are marked in every function bundle (the plugin is part of the options the CDK and the bench use)', () => {
    expect(functionBundling.plugins.map((p) => p.name)).toContain('frontdoor-pure-initializers');
  });
});
