import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  examplesOf,
  matchesLine,
  outputsByExample,
  scriptOf,
  unmarkedExpectations,
  unmetExpectation,
} from '../support/readme-examples';

// How the README's examples are read and checked (the run itself: readme-examples.test.ts).

const README = [
  '# Title',
  '<!-- example: first -->',
  '```bash',
  'echo one',
  '# → one',
  'echo "two 2"',
  '# → two …',
  '```',
  'prose',
  '```bash',
  'npm start   # not run',
  '```',
].join('\n');

describe('reading the README examples', () => {
  it('takes only the marked blocks, with each expected line and where it is', () => {
    const [first, ...rest] = examplesOf(README);
    expect(rest).toEqual([]);
    expect(first).toEqual({
      name: 'first',
      line: 3,
      code: 'echo one\n# → one\necho "two 2"\n# → two …',
      expectations: [
        { pattern: 'one', line: 5 },
        { pattern: 'two …', line: 7 },
      ],
    });
  });

  it('finds a block that shows an output but is not marked', () => {
    expect(unmarkedExpectations(README)).toEqual([]);
    expect(unmarkedExpectations(`${README}\n\`\`\`bash\necho x\n# → x\n\`\`\``)).toEqual([13]);
  });

  it('splits the script output by example', () => {
    const examples = examplesOf(README);
    expect(scriptOf(examples)).toContain("printf '\\n::example %s\\n' 'first'");
    expect(outputsByExample('\n::example a\n1\n2\n::example b\r\n3\r\n')).toEqual(
      new Map([
        ['a', ['1', '2']],
        ['b', ['3', '']],
      ]),
    );
  });
});

describe('comparing an output line with the README', () => {
  it('matches a line with itself, whatever characters it has', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('…') && !s.includes('\n') && s === s.trimEnd()),
        (line) => matchesLine(line, line),
      ),
    );
  });

  it('lets … stand for any text and nothing else differ', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.string(), fc.string(), fc.string())
          .filter(([a, b, c]) => [a, b, c].every((s) => !s.includes('…') && !s.includes('\n'))),
        ([before, hidden, after]) => {
          const line = `${before}${hidden}${after}x`;
          expect(matchesLine(`${before}…${after}x`, line)).toBe(true);
          expect(matchesLine(`${before}…${after}y`, line)).toBe(false);
        },
      ),
    );
  });

  it('wants the whole line, not a part of it', () => {
    expect(matchesLine('{"drained":true}', '{"drained":true}')).toBe(true);
    expect(matchesLine('drained', '{"drained":true}')).toBe(false);
    expect(matchesLine('a.c', 'abc')).toBe(false);
  });

  it('wants the expected lines in the order the README shows them', () => {
    const [example] = examplesOf(README);
    if (!example) throw new Error('no example');
    expect(unmetExpectation(example, ['one', 'noise', 'two 3'])).toBeUndefined();
    expect(unmetExpectation(example, ['two 3', 'one'])).toEqual({ pattern: 'two …', line: 7 });
    expect(unmetExpectation(example, ['one'])).toEqual({ pattern: 'two …', line: 7 });
  });
});
