import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  examplesOf,
  outputsByExample,
  scriptOf,
  unmarkedExpectations,
  unmetExpectation,
} from '../support/readme-examples';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// The README's examples, run as a reader would — one shell, top to bottom, against a fresh `npm start` on
// free ports — and their output compared with the `# → …` lines the README shows.

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = examplesOf(README);

/** A failure bound only (bash ends as soon as the examples have run). */
const EXAMPLES_DEADLINE_MS = 900_000;

let runtime: RuntimeProcess | undefined;
let dataDir: string;
let outputs = new Map<string, string[]>();
let failure: string | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-readme-'));
  runtime = await startRuntimeProcess({ dataDir });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The node running the tests first (Node 22), as `npm start` would find it.
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    PORT: String(runtime.port),
    SMTP_PORT: String(runtime.smtpPort),
    DYNAMODB_PORT: String(runtime.dynamoPort),
  };
  // The reader's shell knows nothing of the runtime's data directory: `npm run token` must ask it.
  delete env.DATA_DIR;
  delete env.HOST;
  const run = promisify(execFile);
  try {
    const { stdout } = await run('bash', ['-c', scriptOf(examples)], {
      cwd: ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: EXAMPLES_DEADLINE_MS,
    });
    outputs = outputsByExample(stdout);
  } catch (e: unknown) {
    const { stdout = '', stderr = '', code } = e as { stdout?: string; stderr?: string; code?: number };
    outputs = outputsByExample(stdout);
    failure = `the examples stopped (exit ${code}) after:\n${stdout}\nstderr:\n${stderr}`;
  }
}, EXAMPLES_DEADLINE_MS + 300_000);

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the README examples', () => {
  it('are marked and say what they print, and no block shows an output nothing checks', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'try-it',
        'mail',
        'reply',
        'signing',
        'sla',
        'approval',
        'integrations',
        'redrive',
      ]),
    );
    for (const e of examples) expect(e.expectations.length, e.name).toBeGreaterThan(0);
    expect(unmarkedExpectations(README)).toEqual([]);
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s prints what the README shows', (name, example) => {
    const output = outputs.get(name);
    if (!output)
      throw new Error(`example "${name}" (README line ${example.line}) did not run; ${failure ?? ''}`);
    const unmet = unmetExpectation(example, output);
    if (unmet)
      throw new Error(
        `README line ${unmet.line}: expected a line\n  ${unmet.pattern}\nbut example "${name}" printed:\n${output.join('\n')}${failure ? `\n${failure}` : ''}`,
      );
    // An example that stopped part-way failed even if what it printed so far matched.
    const last = examples.at(-1)?.name;
    if (failure && name === last) throw new Error(failure);
  });

  it('leave no customer address, subject or body in the structured logs of the functions that handled them', () => {
    // What the examples send (test/fixtures/webhook-invoice.json is Dana's): personal data, never logged.
    const personal = [
      'dana@bigcorp.example',
      'ana@customer.example',
      'ops@bigcorp.example',
      'owner@smallshop.example',
      'Wrong invoice amount',
      'You charged us twice',
      'Checkout is down',
      'Every payment fails',
      'Question about invoice',
      'kim@shop.example',
      'Checkout fails',
      'I cannot pay',
      'Payments work again',
    ];
    const logLines = (runtime?.output() ?? '').split('\n').filter((l) => l.startsWith('{"level"'));
    // The examples made tickets, mails, escalations, approvals and integrations: each logged something.
    for (const message of ['mail received', 'notification', 'escalation', 'approval vote', 'integrations'])
      expect(
        logLines.some((l) => l.includes(`"message":"${message}"`)),
        message,
      ).toBe(true);
    expect(logLines.filter((l) => personal.some((p) => l.includes(p)))).toEqual([]);
  });
});
