import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntentCsvError, parseIntentCsv } from '../../tools/intent-csv';
import { parseEvalArgs, splitFolds } from '../../tools/intent-eval';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = 'test/fixtures/intent';

function evalCli(args: string[]) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['tools/intent-eval.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('intent:eval', () => {
  it('trains on one CSV, tests on the other and ends stdout with one JSON object of the figures', () => {
    const r = evalCli(['--train', `${FIXTURES}/train.csv`, '--test', `${FIXTURES}/test.csv`]);
    expect(r.stderr).toContain('training');
    expect(r.status).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as Record<string, number>;
    expect(Object.keys(figures)).toEqual([
      'accuracy',
      'macroF1',
      'coverageAtPrecision95',
      'modelBytes',
      'trainSeconds',
      'p50PredictMs',
    ]);
    for (const v of Object.values(figures)) expect(typeof v).toBe('number');
    expect(figures.accuracy).toBe(1);
    expect(figures.modelBytes).toBeGreaterThan(100);
  });

  it('cross-validates a single training file with --cv', () => {
    const r = evalCli(['--train', `${FIXTURES}/train.csv`, '--cv', '2']);
    expect(r.status).toBe(0);
    const figures = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
    expect(figures.accuracy).toBeGreaterThan(0.5);
  });

  it('exits 2 with one sentence for bad arguments and for a CSV without text and category', () => {
    for (const args of [
      [],
      ['--train', `${FIXTURES}/train.csv`],
      ['--train', `${FIXTURES}/train.csv`, '--cv', '1'],
      ['--train', `${FIXTURES}/train.csv`, '--holdout', '2'],
      ['--train', `${FIXTURES}/train.csv`, '--test', `${FIXTURES}/test.csv`, '--cv', '3'],
      ['--train', `${FIXTURES}/train.csv`, '--bogus'],
      ['--train', `${FIXTURES}/no-columns.csv`, '--test', `${FIXTURES}/test.csv`],
      ['--train', `${FIXTURES}/missing.csv`, '--test', `${FIXTURES}/test.csv`],
    ]) {
      const r = evalCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('the intent CSV reader', () => {
  it('reads quoted fields with commas and skips rows without text or category', () => {
    expect(parseIntentCsv('text,category\n"a, b",x\n,y\nc,\n"d ""e""",z\n', 'f.csv')).toEqual([
      { text: 'a, b', label: 'x' },
      { text: 'd "e"', label: 'z' },
    ]);
  });

  it('finds the columns by name in any order', () => {
    expect(parseIntentCsv('category,id,text\nx,1,hello\n', 'f.csv')).toEqual([{ text: 'hello', label: 'x' }]);
  });

  it('refuses a file without the columns in one sentence naming the file', () => {
    expect(() => parseIntentCsv('message,intent\nhi,x\n', 'data/x.csv')).toThrow(
      new IntentCsvError(
        'data/x.csv has no "text" and no "category" column in its header line (expected text,category).',
      ),
    );
    expect(() => parseIntentCsv('text,label\nhi,x\n', 'y.csv')).toThrow('y.csv has no "category" column');
    expect(() => parseIntentCsv('text,category\n', 'z.csv')).toThrow(
      'z.csv has a header line but no labelled rows.',
    );
  });
});

describe('intent:eval arguments and folds', () => {
  it('reads --test, --cv and --holdout', () => {
    expect(parseEvalArgs(['--train', 'a.csv', '--test', 'b.csv'])).toEqual({
      train: 'a.csv',
      mode: { kind: 'test', file: 'b.csv' },
    });
    expect(parseEvalArgs(['--train', 'a.csv', '--cv', '5']).mode).toEqual({ kind: 'cv', k: 5 });
    expect(parseEvalArgs(['--train', 'a.csv', '--holdout', '0.2']).mode).toEqual({
      kind: 'holdout',
      share: 0.2,
    });
  });

  it('splits each label evenly across folds, the same way every time', () => {
    const examples = Array.from({ length: 30 }, (_, i) => ({ text: `t${i}`, label: i < 20 ? 'a' : 'b' }));
    const folds = splitFolds(examples, 5);
    expect(splitFolds(examples, 5)).toEqual(folds);
    for (let f = 0; f < 5; f++) {
      const members = examples.filter((_, i) => folds[i] === f);
      expect(members.filter((e) => e.label === 'a')).toHaveLength(4);
      expect(members.filter((e) => e.label === 'b')).toHaveLength(2);
    }
  });
});
