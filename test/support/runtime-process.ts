import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RuntimeProcess {
  readonly url: string;
  readonly port: number;
  readonly dynamoPort: number;
  readonly smtpPort: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  output(): string;
  /** Sends SIGTERM (what Ctrl-C's SIGINT also does) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** `kill -9` of the whole process group (started with `detached`): node and Java die mid-work. */
  killGroup(): Promise<void>;
}

/** Runs `npm start`'s entry point as its own process, as a user would, on free ports. */
export async function startRuntimeProcess(opts: {
  dataDir: string;
  port?: number;
  dynamoPort?: number;
  smtpPort?: number;
  env?: Record<string, string>;
  /** Its own process group (with DynamoDB Local's Java), so `killGroup()` can take it all down at once. */
  detached?: boolean;
  /** Another copy of the repository to run (a test's own workflow config); the repository itself by default. */
  root?: string;
}): Promise<RuntimeProcess> {
  // Another process can take a port between our picking it and the runtime listening on it: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e: unknown) {
      // The runtime checks its ports before it starts ("port N (PORT) is already in use"); a port taken
      // between that check and listening ends in EADDRINUSE.
      const taken = e instanceof Error && /EADDRINUSE|is already in use/.test(e.message);
      if (!taken || attempt >= 3 || opts.port || opts.dynamoPort || opts.smtpPort) throw e;
    }
  }
}

async function startOnce(opts: Parameters<typeof startRuntimeProcess>[0]): Promise<RuntimeProcess> {
  const port = opts.port ?? (await freePort());
  const dynamoPort = opts.dynamoPort ?? (await freePort());
  const smtpPort = opts.smtpPort ?? (await freePort());
  // node --import tsx, not the tsx wrapper: a signal (even SIGKILL) reaches the runtime itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: opts.root ?? ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      SMTP_PORT: String(smtpPort),
      DATA_DIR: opts.dataDir,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  // RUNTIME_LOG=<file>: keep what the runtime printed, to read after a failure.
  const keep = (d: Buffer) => {
    out += d.toString();
    if (process.env.RUNTIME_LOG) appendFileSync(process.env.RUNTIME_LOG, d);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  await untilRunning(child, () => out);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dynamoPort,
    smtpPort,
    dataDir: opts.dataDir,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    killGroup: async () => {
      if (!opts.detached || child.pid === undefined) throw new Error('killGroup needs a detached runtime');
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
      await exited;
      // Java may outlive node by a moment: wait until no process of the group is left.
      for (;;) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** How long a runtime may take to start before the test gives up on it (a failure bound, not a wait). */
const START_TIMEOUT_MS = 300_000;

/**
 * Resolves as soon as the runtime has printed that it is running (checked on each chunk it prints);
 * rejects with its output if it ends first, or kills it and rejects after START_TIMEOUT_MS.
 */
function untilRunning(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('close', onClose);
      outcome();
    };
    const check = () => {
      if (output().includes('Frontdoor is running')) settle(resolve);
    };
    const onClose = (code: number | null) =>
      settle(() => reject(new Error(`npm start exited with ${code}:\n${output()}`)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() =>
        reject(new Error(`npm start did not come up within ${START_TIMEOUT_MS / 1000} s:\n${output()}`)),
      );
    }, START_TIMEOUT_MS);
    // After the listeners that collect the output, so `output()` already holds the chunk.
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    // 'close', not 'exit': by then all it printed (the cause, e.g. EADDRINUSE) has been read.
    child.once('close', onClose);
    check();
  });
}

/** A JWT for a seeded dev user, signed with the runtime's dev key under `dataDir` (as `npm run token` does). */
export async function devToken(dataDir: string, email: string): Promise<string> {
  const { loadDevIssuer } = await import('../../infra/local/dev-issuer');
  return (await loadDevIssuer(dataDir)).tokenFor(email);
}
