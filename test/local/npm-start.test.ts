import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { ROOT, startRuntimeProcess } from '../support/runtime-process';

// `npm start` as a user or a process manager runs it: `npm run token` asks that runtime for its tokens,
// and a SIGTERM to the npm process stops the runtime and its DynamoDB Local with it.

/** A failure bound only: every wait below ends as soon as what it waits for has happened. */
const DEADLINE_MS = 120_000;

const run = promisify(execFile);
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-npm-start-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `npm run -s token -- <email>` with `extra` in its environment: exit code, stdout, stderr. */
async function token(email: string, extra: Record<string, string>) {
  const out = await run('npm', ['run', '-s', 'token', '--', email], {
    cwd: ROOT,
    env: { ...env, ...extra },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
  return out;
}

/** Resolves once `check` holds (checked every 100 ms), rejects after DEADLINE_MS. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${DEADLINE_MS / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Whether a DynamoDB Local java process for `port` is still alive (Linux: read from /proc). */
function dynamoLocalRuns(port: number): boolean {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .some((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.some((a) => a.includes('DynamoDBLocal')) && args.includes(String(port));
      } catch {
        return false;
      }
    });
}

function untilRunning(child: ChildProcess, output: () => string): Promise<void> {
  return until('npm start printed that Frontdoor is running', () => {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output()}`);
    return output().includes('Frontdoor is running');
  });
}

describe.skipIf(process.platform !== 'linux')('npm start', () => {
  it('npm run token says in one sentence that no runtime answers, and fails unless DATA_DIR is set', async () => {
    const port = String(await freePort());
    const alone = await token('agent@example.com', { PORT: port, DATA_DIR: '' });
    expect(alone.code).not.toBe(0);
    expect(alone.stdout).toBe('');
    expect(alone.stderr.trim()).toBe(
      `no Frontdoor runtime answers on http://127.0.0.1:${port}: start it with npm start (same PORT), or set DATA_DIR to the runtime's data directory to mint offline`,
    );
    const offline = await token('agent@example.com', { PORT: port, DATA_DIR: tempDir() });
    expect(offline.code).toBe(0);
    expect(offline.stdout.trim().split('.')).toHaveLength(3);
  });

  it('serves tokens to npm run token whatever its DATA_DIR, and stops with Java on a SIGTERM to npm', async () => {
    const [port, dynamoPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        ...env,
        PORT: String(port),
        DYNAMODB_PORT: String(dynamoPort),
        SMTP_PORT: String(smtpPort),
        DATA_DIR: tempDir(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    npm.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await untilRunning(npm, () => out);

      // Another DATA_DIR (another key) in the CLI's environment: the runtime signs, so its API accepts it.
      const minted = await token('agent@example.com', { PORT: String(port), DATA_DIR: tempDir() });
      expect(minted.code).toBe(0);
      const res = await fetch(`http://127.0.0.1:${port}/v1/tickets/FD-999999`, {
        headers: { authorization: `Bearer ${minted.stdout.trim()}` },
      });
      expect(res.status).not.toBe(401);
      const unknown = await token('nobody@example.com', { PORT: String(port) });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('seeded users: agent@example.com');

      expect(dynamoLocalRuns(dynamoPort)).toBe(true);
      npm.kill('SIGTERM');
      await until(`runtime port ${port} refuses connections`, () => refuses(port));
      await until(`no DynamoDB Local on port ${dynamoPort} remains`, () => !dynamoLocalRuns(dynamoPort));
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  });

  it('stops DynamoDB Local when the runtime itself is killed with SIGKILL', async () => {
    const rt = await startRuntimeProcess({ dataDir: tempDir() });
    expect(dynamoLocalRuns(rt.dynamoPort)).toBe(true);
    await rt.stop('SIGKILL');
    await until(`no DynamoDB Local on port ${rt.dynamoPort} remains`, () => !dynamoLocalRuns(rt.dynamoPort));
  });
});
