// First: refuse an unsupported Node before anything else is evaluated.
import './require-node';
import { httpRoutes } from '../../shared/topology';
import { devUsers } from './dev-users';
import { startLocalRuntime } from './runtime';
import { listensBeyondThisMachine, localSettings } from './settings';

/** `npm start`: the whole of Frontdoor on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  const settings = localSettings();
  const runtime = await startLocalRuntime(settings);

  const lines = [
    '',
    `Frontdoor is running at ${runtime.url}`,
    `  health         GET  ${runtime.url}/health`,
    ...httpRoutes().map(
      ({ trigger }) =>
        `  ${trigger.auth === 'jwt' ? 'agent API' : 'public   '}      ${trigger.method.padEnd(4)} ${runtime.url}${trigger.path}`,
    ),
    `  events (local) GET  ${runtime.url}/local/events`,
    `  outbox (local) GET  ${runtime.url}/local/outbox   (browser: ${runtime.url}/local/outbox.html)`,
    `  hosted forms        ${runtime.url}/forms`,
    `  agent UI            ${runtime.url}/app/   (dev login: pick a seeded user)`,
    `Mail in:   SMTP on port ${runtime.smtpPort}, to ${settings.supportAddress} (raw mail kept in ${settings.dataDir}/objects)`,
    '',
    `Data:      ${settings.dataDir} (delete it to start from scratch)`,
    `DynamoDB:  ${runtime.dynamoEndpoint} (DynamoDB Local)`,
    'Webhook secrets (HMAC-SHA256, see README):',
    ...Object.entries(runtime.webhookSecrets).map(
      ([source, secret]) =>
        `  ${source.padEnd(12)} FRONTDOOR_WEBHOOK_SECRET_${source.toUpperCase()}=${secret}`,
    ),
    'Seeded users (npm run -s token -- <email>):',
    ...devUsers.map((u) => `  ${u.email.padEnd(22)} ${u.groups.join(', ')}`),
    'Try:  npm run -s webhook -- demo test/fixtures/webhook-invoice.json',
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
  if (listensBeyondThisMachine(settings.host))
    console.warn(
      `Warning: HOST=${settings.host} — Frontdoor listens beyond this machine. Anyone who can reach port ${settings.port} can use /local/* (mint admin tokens, move the workflow clock) and SMTP port ${runtime.smtpPort}. Use it on a network you trust.\n`,
    );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Frontdoor …`);
    runtime.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  stopWhenOrphaned(() => stop('parent exited'));
}

/**
 * A process manager's SIGTERM to `npm` ends npm and the shell it runs `start` in, and may never reach this
 * process: once the parent is gone (this process handed to another), stop as if signalled. Writes to an
 * output nobody reads any more must not crash the stop.
 */
function stopWhenOrphaned(stop: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    stop();
  }, 500).unref();
}

main().catch((e: unknown) => {
  // A bad workflow config, a busy port or a missing Java: one clear message, no stack trace.
  console.error(`\nFrontdoor could not start:\n${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
