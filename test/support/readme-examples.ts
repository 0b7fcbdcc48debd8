/**
 * The README's shell examples as executable documentation: a fenced `bash` block right after a line
 * `<!-- example: <name> -->` is run (all of them, in order, as one shell session against `npm start`), and
 * each line `# → <expected>` in it is what the commands above it must print — `…` stands for any text.
 * Pure: reading the README, building the script, and comparing the output are separate from running it.
 */

export interface Expectation {
  /** The expected line, `…` for whatever differs between runs. */
  readonly pattern: string;
  /** Its 1-based line in the README, for the failure message. */
  readonly line: number;
}

export interface Example {
  readonly name: string;
  /** 1-based README line of the block's opening fence. */
  readonly line: number;
  readonly code: string;
  readonly expectations: readonly Expectation[];
}

const MARKER = /^<!--\s*example:\s*([\w-]+)\s*-->$/;
const EXPECTED = /^\s*# → (.*)$/;
const OUTPUT_MARK = '::example ';

/** Every fenced block of the README: its info string, first line and code, and whether a marker precedes it. */
function fencedBlocks(markdown: string) {
  const lines = markdown.split('\n');
  const blocks: { info: string; line: number; body: string[]; marker?: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? '').startsWith('```'); j++) body.push(lines[j] ?? '');
    const marker = MARKER.exec((lines[i - 1] ?? '').trim())?.[1];
    blocks.push({ info: open[1] ?? '', line: i + 1, body, marker });
    i = j;
  }
  return blocks;
}

/** The marked examples, in README order. */
export function examplesOf(markdown: string): Example[] {
  return fencedBlocks(markdown)
    .filter((b) => b.marker !== undefined)
    .map((b) => ({
      name: b.marker as string,
      line: b.line,
      code: b.body.join('\n'),
      expectations: b.body.flatMap((text, k) => {
        const m = EXPECTED.exec(text);
        return m ? [{ pattern: (m[1] ?? '').trimEnd(), line: b.line + 1 + k }] : [];
      }),
    }));
}

/** Blocks that show an output (`# →`) but are not marked, so nothing would check them: README lines. */
export function unmarkedExpectations(markdown: string): number[] {
  return fencedBlocks(markdown)
    .filter((b) => b.marker === undefined && b.body.some((l) => EXPECTED.test(l)))
    .map((b) => b.line);
}

/** One bash script running every example in order, each announced on its own line in the output. */
export function scriptOf(examples: readonly Example[]): string {
  const parts = ['set -eo pipefail'];
  for (const e of examples) parts.push(`printf '\\n${OUTPUT_MARK}%s\\n' '${e.name}'`, e.code);
  return `${parts.join('\n')}\n`;
}

/** The script's output, split by example name. */
export function outputsByExample(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith(OUTPUT_MARK)) {
      current = [];
      out.set(line.slice(OUTPUT_MARK.length), current);
    } else current?.push(line);
  }
  return out;
}

/** Whether an output line is the expected one: the whole line, `…` standing for any text. */
export function matchesLine(pattern: string, line: string): boolean {
  const source = pattern
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(line.trimEnd());
}

/**
 * The first expectation the output does not meet: each expected line must be printed, in the order the
 * README shows them (other lines may come between).
 */
export function unmetExpectation(example: Example, output: readonly string[]): Expectation | undefined {
  let from = 0;
  for (const expected of example.expectations) {
    const at = output.findIndex((line, i) => i >= from && matchesLine(expected.pattern, line));
    if (at < 0) return expected;
    from = at + 1;
  }
  return undefined;
}
