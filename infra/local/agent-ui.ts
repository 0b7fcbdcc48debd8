/**
 * The agent UI at `/app/`: built with Vite when ui/dist is missing or older than ui/src (so `npm start` and
 * every test that spawns it serve the current app without a separate step), then served as static files
 * with the same security headers CloudFront sends in AWS.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { devUsers } from './dev-users';
import { send } from './http-io';
import { ROOT } from './paths';

const UI_DIR = resolve(ROOT, 'ui');
const UI_DIST = resolve(UI_DIR, 'dist');
const UI_LOCK = resolve(UI_DIR, '.build.lock');
export type AgentUi = { ok: true } | { ok: false; error: string };

/** Why ui/dist must be (re)built, or undefined when it is newer than every source of the UI. */
function agentUiStaleness(): string | undefined {
  const built = (() => {
    try {
      return statSync(join(UI_DIST, 'index.html')).mtimeMs;
    } catch {
      return undefined;
    }
  })();
  if (built === undefined) return 'ui/dist is missing';
  const newest = (dir: string): number => {
    let max = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) max = Math.max(max, newest(path));
      else max = Math.max(max, statSync(path).mtimeMs);
    }
    return max;
  };
  const sources = Math.max(
    newest(join(UI_DIR, 'src')),
    ...['index.html', 'vite.config.ts'].map((f) => statSync(join(UI_DIR, f)).mtimeMs),
  );
  return sources > built ? 'ui/src changed since ui/dist was built' : undefined;
}

/** Whether a process still runs (a killed `npm start` leaves its build lock and output behind). */
function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolderAlive(): boolean {
  try {
    return pidAlive(Number(readFileSync(UI_LOCK, 'utf8')));
  } catch {
    return false;
  }
}

/**
 * Builds the agent UI with Vite when ui/dist is missing or stale, so `npm start` (and every test that
 * spawns it) serves the current app without a separate step. Runtimes starting together take turns on a
 * lock file; each builds into its own directory and swaps it in, so none ever serves a half-written app.
 * Never throws: a failed build is logged and /app/ answers 503 saying why, while the API still runs.
 */
export async function ensureAgentUi(log: (line: string) => void): Promise<AgentUi> {
  try {
    if (!agentUiStaleness()) return { ok: true };
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        writeFileSync(UI_LOCK, String(process.pid), { flag: 'wx' });
        break;
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (!lockHolderAlive()) rmSync(UI_LOCK, { force: true });
        else if (Date.now() > deadline)
          throw new Error(`${UI_LOCK} is held by another build for over 2 minutes`);
        else await new Promise((r) => setTimeout(r, 200));
      }
    }
    try {
      const why = agentUiStaleness();
      if (!why) return { ok: true };
      // Output left behind by a killed build goes.
      for (const entry of readdirSync(UI_DIR)) {
        const pid = /^\.build-(\d+)$/.exec(entry)?.[1];
        if (pid && !pidAlive(Number(pid))) rmSync(join(UI_DIR, entry), { recursive: true, force: true });
      }
      log(`Building the agent UI (${why}) …`);
      const started = Date.now();
      const out = resolve(UI_DIR, `.build-${process.pid}`);
      const { build } = await import('vite');
      await build({
        configFile: join(UI_DIR, 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: out, emptyOutDir: true },
      });
      rmSync(UI_DIST, { recursive: true, force: true });
      renameSync(out, UI_DIST);
      log(`Agent UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { ok: true };
    } finally {
      rmSync(UI_LOCK, { force: true });
    }
  } catch (e: unknown) {
    const error = e instanceof Error ? e.message : String(e);
    log(`The agent UI could not be built; /app/ answers 503 until it can: ${error}`);
    return { ok: false, error };
  }
}

const UI_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app runs without inline script or style; CloudFront sends the same policy in AWS (plus the Cognito domain). */
const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * `/app/`: the built agent UI. Hashed assets are cached for a year (their names change with their
 * content); index.html is revalidated every time; an /app/* path without a file gets index.html (the app
 * routes itself). `/app/config.json` tells the app to use the dev login and this origin's API.
 */
export async function serveAgentUi(
  res: ServerResponse,
  method: string,
  pathname: string,
  ui: AgentUi,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD')
    return send(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
  if (pathname === '/app') {
    res.writeHead(301, { location: '/app/' });
    res.end();
    return;
  }
  if (pathname === '/app/config.json') {
    const config = {
      auth: { mode: 'dev', users: devUsers.map(({ email, name, groups }) => ({ email, name, groups })) },
      apiBaseUrl: '',
    };
    return send(res, 200, config, { 'cache-control': 'no-store' });
  }
  if (!ui.ok) return send(res, 503, { message: `the agent UI could not be built: ${ui.error}` });
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice('/app/'.length));
  } catch {
    return send(res, 400, { message: 'Bad Request' });
  }
  let file = resolve(UI_DIST, relative || 'index.html');
  if (!file.startsWith(UI_DIST + sep)) return send(res, 404, { message: 'Not Found' });
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    // A missing asset is a 404 (never HTML where a script is expected); any other path is a route of the app.
    if (relative.startsWith('assets/') || !existsSync(join(UI_DIST, 'index.html')))
      return send(res, 404, { message: 'Not Found' });
    file = join(UI_DIST, 'index.html');
  }
  const content = await readFile(file);
  res.writeHead(200, {
    'content-type': UI_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(content.length),
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...UI_HEADERS,
  });
  res.end(method === 'HEAD' ? undefined : content);
}
