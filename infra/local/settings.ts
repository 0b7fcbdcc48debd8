import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { localSecretVariable } from '../../shared/adapters/webhook-secrets';

export interface LocalSettings {
  /**
   * The interface the HTTP API and SMTP listen on (HOST): 127.0.0.1 unless told otherwise, because the
   * `/local/*` routes mint admin tokens and move the workflow clock.
   */
  readonly host: string;
  readonly port: number;
  readonly smtpPort: number;
  readonly dynamoPort: number;
  readonly dataDir: string;
  readonly tableName: string;
  readonly busName: string;
  readonly mailBucket: string;
  readonly supportAddress: string;
  /** Where links in mail point: this runtime's own URL unless PUBLIC_BASE_URL says otherwise. */
  readonly publicBaseUrl: string;
  /** How fast the workflow clock runs (CLOCK_SPEED; 60 = an hour per minute). */
  readonly clockSpeed: number;
  /** Where the workflow clock starts (CLOCK_START, ISO 8601); the real time by default. */
  readonly clockStart: Date | undefined;
}

function clockSpeed(env: NodeJS.ProcessEnv): number {
  const raw = env.CLOCK_SPEED;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 100_000)
    throw new Error(`CLOCK_SPEED must be a number above 0 and at most 100000, got "${raw}"`);
  return n;
}

function clockStart(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.CLOCK_START;
  if (raw === undefined || raw === '') return undefined;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new Error(`CLOCK_START must be an ISO 8601 date-time, got "${raw}"`);
  return at;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
}

function host(env: NodeJS.ProcessEnv): string {
  const raw = env.HOST;
  if (raw === undefined || raw === '') return '127.0.0.1';
  if (raw !== 'localhost' && isIP(raw) === 0)
    throw new Error(
      `HOST must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::, or one of this machine's) or localhost, got "${raw}"`,
    );
  return raw;
}

/** True when `host` accepts connections from other machines (anything but a loopback address). */
export function listensBeyondThisMachine(host: string): boolean {
  return !(host === 'localhost' || host === '::1' || host.startsWith('127.'));
}

/** The runtime's own URL: a wildcard host is reached on the loopback address. */
export function ownUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === 'localhost' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}

/** The local runtime's settings, from the environment (README lists each one). */
export function localSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  return {
    host: host(env),
    port: port(env, 'PORT', 3000),
    smtpPort: port(env, 'SMTP_PORT', 2525),
    dynamoPort: port(env, 'DYNAMODB_PORT', 8000),
    dataDir: resolve(env.DATA_DIR || '.data'),
    tableName: 'frontdoor-local',
    busName: 'frontdoor-local',
    mailBucket: 'frontdoor-local-mail',
    supportAddress: (env.SUPPORT_ADDRESS || 'support@example.com').toLowerCase(),
    publicBaseUrl: env.PUBLIC_BASE_URL || `http://localhost:${port(env, 'PORT', 3000)}`,
    clockSpeed: clockSpeed(env),
    clockStart: clockStart(env),
  };
}

/** The local secret of a webhook source: `FRONTDOOR_WEBHOOK_SECRET_<SOURCE>`, or a fixed dev default. */
export function localWebhookSecret(source: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[localSecretVariable(source)] || `local-${source}-secret`;
}
