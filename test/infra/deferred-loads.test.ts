import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFERRED_IMPORTS, patched, SOURCE_PATCHES } from '../../infra/deferred-loads';

// infra/deferred-loads.ts rewrites statements of libmime at bundling and redirects one import of
// mailparser; the bundled mail parser reads mails through them in bundle-size.test.ts.

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('the source patches', () => {
  it.each(SOURCE_PATCHES.map((p) => [p.module, p] as const))(
    'find their text exactly once in the installed %s',
    (module, patch) => {
      const source = readFileSync(resolve(ROOT, 'node_modules', module), 'utf8');
      const out = patched(source, patch);
      expect(out).toContain(patch.replace);
      expect(out).not.toContain(patch.find);
      expect(out.length - source.length).toBe(patch.replace.length - patch.find.length);
    },
  );

  it('refuse a module whose text changed or repeats (a dependency update is reviewed, not bundled blind)', () => {
    const [patch] = SOURCE_PATCHES;
    expect(() => patched('const other = 1;', patch)).toThrow(/no longer holds/);
    expect(() => patched(`${patch.find}\n${patch.find}`, patch)).toThrow(/exactly once/);
  });

  it("take the double-byte decoder from iconv-lite's codec class: the same one the GBK codec has", () => {
    const iconv = require('iconv-lite') as {
      getCodec(name: string): { decoder: unknown };
      encodings: Record<string, { prototype: { decoder: unknown } }>;
    };
    const gbk = iconv.getCodec('gbk').decoder;
    const shared = iconv.encodings._dbcs?.prototype.decoder;
    expect(shared).toBeTypeOf('function');
    expect(shared).toBe(gbk);
    // …and the one the other double-byte charsets share, which libmime tells apart by it.
    expect(iconv.getCodec('big5').decoder).toBe(shared);
    expect(iconv.getCodec('windows-1252').decoder).not.toBe(shared);
  });
});

describe('the deferred imports', () => {
  it("stand in for what mailparser's ES build (the one bundles take) imports of html-to-text", () => {
    const [deferred] = DEFERRED_IMPORTS;
    const importer = readFileSync(resolve(ROOT, 'node_modules/mailparser/dist/esm/mail-parser.js'), 'utf8');
    const names = /import \{ ([\w, ]+) \} from 'html-to-text'/.exec(importer)?.[1]?.split(/, */);
    expect(deferred.specifier).toBe('html-to-text');
    expect(names?.length).toBeGreaterThan(0);
    for (const name of names ?? [])
      expect(readFileSync(deferred.standIn, 'utf8')).toContain(`export const ${name}:`);
  });
});
