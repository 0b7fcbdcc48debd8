import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleLines } from '../../tools/language-eval';

const ROOT = join(import.meta.dirname, '../..');

function evalCli(args: string[]) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['tools/language-eval.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('language:eval', () => {
  it('counts right, wrong and silent answers per language and ends stdout with one JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'language-eval-'));
    const english = join(dir, 'english.csv');
    writeFileSync(
      english,
      'text,category\n"Hello, I was charged twice for my subscription this month and would like a refund.",a\nshort,b\n',
    );
    writeFileSync(
      join(dir, 'de.txt'),
      '# a comment\nGuten Tag, ich habe meine Rechnung zweimal bezahlt und möchte das Geld bitte zurück.\n\nzu kurz\n',
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a language sample, left out\n');
    const r = evalCli(['--english', english, '--samples', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('English (english.csv): 1 texts, 1 en, 0 another language, 0 none');
    expect(r.stdout).toContain('de: 1 texts, 1 right, 0 wrong, 0 none');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      englishTexts: 1,
      englishWrong: 0,
      englishNone: 0,
      samples: 1,
      samplesRight: 1,
      samplesWrong: 0,
      samplesNone: 0,
    });
  });

  it('says what is wrong and exits 2 for an unknown option or a file it cannot read', () => {
    const unknown = evalCli(['--nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--nope'");
    expect(unknown.stderr).toContain('usage: npm run -s language:eval');
    const missing = evalCli(['--english', 'no/such/file.csv']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no/such/file.csv');
  });

  it('reads one sample per line, without blank and # lines (any text)', () => {
    expect(sampleLines('# head\n  one  \r\n\ntwo\n#x\n')).toEqual(['one', 'two']);
    fc.assert(
      fc.property(fc.string(), (content) => {
        for (const line of sampleLines(content)) {
          expect(line).toBe(line.trim());
          expect(line).not.toBe('');
          expect(line.startsWith('#')).toBe(false);
          expect(content).toContain(line);
        }
      }),
      { numRuns: 200 },
    );
  });
});
