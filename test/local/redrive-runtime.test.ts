import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { AwsJsonService, SCHEDULER } from '../../shared/adapters/aws-json';
import { EventBridgeWakeUps } from '../../shared/adapters/wake-ups';
import { drain } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// `npm run redrive` against `npm start`: the CLI, as a user runs it, through `POST /local/redrive` on a
// running runtime. The dead letter is a wake-up sent to the notifications queue, whose consumer (expecting
// events) fails it every time — so it dead-letters again after the redrive, which shows it went round.

const TICKET = '01JD0000000000000000000009';
type QueueDeadLetter = { queue: string; body: string };

async function queueDeadLetters(rt: RuntimeProcess): Promise<QueueDeadLetter[]> {
  const dead = (await (await fetch(`${rt.url}/local/dead-letters`)).json()) as { queues: QueueDeadLetter[] };
  return dead.queues;
}

/** `npm run redrive -- …` (its script's command), with its exit code and output. */
async function redrive(rt: RuntimeProcess, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'tools/redrive.ts', ...args],
      { cwd: ROOT, env: { ...process.env, PORT: String(rt.port), AWS_REGION: '' } },
    );
    return { code: 0, stdout, stderr };
  } catch (e: unknown) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run redrive against the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-redrive-'));
  let runtime: RuntimeProcess | undefined;
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the dead letters in a dry run, then moves them back onto their queue', async () => {
    runtime = await startRuntimeProcess({ dataDir });
    const scheduler = new AwsJsonService(SCHEDULER, {
      endpoint: new URL(`${runtime.url}/local/scheduler`),
      region: LOCAL_REGION,
      credentials: async () => LOCAL_CREDENTIALS,
    });
    await new EventBridgeWakeUps(scheduler, {
      group: 'frontdoor-local-wake-ups',
      queueArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:notifications`,
      roleArn: 'arn:aws:iam::000000000000:role/scheduler',
      deadLetterArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:wake-ups-dlq`,
    }).schedule(TICKET, new Date(Date.now() - 1000));
    await drain(runtime.url);
    const [dead] = await queueDeadLetters(runtime);
    expect(dead?.queue).toBe('notifications');

    const dryRun = await redrive(runtime, 'notifications', '--dry-run');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`received 5×: ticket ${TICKET} — `);
    expect(dryRun.stdout).toContain('dry run: 1 message(s) in the notifications dead letters, none moved');
    expect(await queueDeadLetters(runtime)).toEqual([dead]);

    const unknown = await redrive(runtime, 'notification');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(
      /^"notification" is not a dead-letter queue; the names are: notifications, notifications-rules, ticket-clock, .*, bus, receive-email, .*\.$/,
    );

    const bus = await redrive(runtime, 'bus');
    expect(bus.code).toBe(0);
    expect(bus.stdout.trim()).toBe(
      'bus has no local equivalent: the local bus encrypts nothing, so it never dead-letters an event for that.',
    );

    const moved = await redrive(runtime, 'notifications');
    expect(moved.code).toBe(0);
    expect(moved.stdout.trim()).toBe(
      'moved 1 message(s) from the notifications dead letters back to their consumer',
    );
    // Off the list at once; its consumer still refuses it, so after its deliveries it is back.
    expect(await queueDeadLetters(runtime)).toEqual([]);
    await drain(runtime.url);
    expect((await queueDeadLetters(runtime)).map((d) => d.body)).toEqual([dead?.body]);
  }, 300_000);
});
