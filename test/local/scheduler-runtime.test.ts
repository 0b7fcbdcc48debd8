import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { AwsJsonService, SCHEDULER } from '../../shared/adapters/aws-json';
import { EventBridgeWakeUps, WakeUpMessage, wakeUpScheduleName } from '../../shared/adapters/wake-ups';
import { drain } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// The scheduler stand-in inside `npm start`: reached by the real SDK at AWS_ENDPOINT_URL_SCHEDULER, kept
// under DATA_DIR through a kill -9, fired on the workflow clock into the local queue its target names.

const NOTIFICATIONS = `arn:aws:sqs:${LOCAL_REGION}:000000000000:notifications`;
const NOWHERE = `arn:aws:sqs:${LOCAL_REGION}:000000000000:no-such-queue`;
const TO_QUEUE = '01JD0000000000000000000001';
const TO_NOWHERE = '01JD0000000000000000000002';

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function wakeUpsFor(
  rt: RuntimeProcess,
  queueArn: string,
): { wakeUps: EventBridgeWakeUps; client: SchedulerClient } {
  const client = new SchedulerClient({
    endpoint: `${rt.url}/local/scheduler`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  // The function's own calls (signed, without the SDK client) make the schedules; the SDK client reads them.
  const scheduler = new AwsJsonService(SCHEDULER, {
    endpoint: new URL(`${rt.url}/local/scheduler`),
    region: LOCAL_REGION,
    credentials: async () => LOCAL_CREDENTIALS,
  });
  const wakeUps = new EventBridgeWakeUps(scheduler, {
    group: 'frontdoor-local-wake-ups',
    queueArn,
    roleArn: 'arn:aws:iam::000000000000:role/scheduler',
    deadLetterArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:wake-ups-dlq`,
  });
  return { wakeUps, client };
}

describe('wake-up schedules in the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-scheduler-'));
  let runtime: RuntimeProcess | undefined;
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps them through a kill -9 and fires them on the clock into the queue the target names', async () => {
    runtime = await startRuntimeProcess({ dataDir, detached: true });
    const { now } = await json<{ now: string }>(`${runtime.url}/local/clock`);
    const inAnHour = new Date(Date.parse(now) + 3_600_000);
    for (const [ticketId, queueArn] of [
      [TO_QUEUE, NOTIFICATIONS],
      [TO_NOWHERE, NOWHERE],
    ] as const) {
      const { wakeUps, client } = wakeUpsFor(runtime, queueArn);
      await wakeUps.schedule(ticketId, inAnHour);
      client.destroy();
    }
    const listed = await json<Array<{ name: string; target: string }>>(`${runtime.url}/local/schedules`);
    expect(listed.map((s) => [s.name, s.target])).toEqual([
      [wakeUpScheduleName(TO_QUEUE), NOTIFICATIONS],
      [wakeUpScheduleName(TO_NOWHERE), NOWHERE],
    ]);

    await runtime.killGroup();
    runtime = await startRuntimeProcess({ dataDir });
    expect(await json<unknown[]>(`${runtime.url}/local/schedules`)).toHaveLength(2);
    await json(`${runtime.url}/local/costs/reset`, { method: 'POST' });

    await json(`${runtime.url}/local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMinutes: 61 }),
    });
    await drain(runtime.url);

    expect(await json<unknown[]>(`${runtime.url}/local/schedules`)).toEqual([]);
    const dead = await json<{
      schedules: Array<{ target: string; input: string }>;
      queues: Array<{ queue: string; body: string }>;
    }>(`${runtime.url}/local/dead-letters`);
    // No queue has that ARN: the fire is a dead letter of the scheduler.
    expect(dead.schedules).toHaveLength(1);
    expect(dead.schedules[0]?.target).toBe(NOWHERE);
    expect(WakeUpMessage.parse(JSON.parse(dead.schedules[0]?.input ?? '')).ticketId).toBe(TO_NOWHERE);
    // The notifications queue got its wake-up (its consumer, expecting events, gave up on it after the retries).
    const delivered = dead.queues.filter((m) => m.queue === 'notifications');
    expect(delivered.map((m) => WakeUpMessage.parse(JSON.parse(m.body)).ticketId)).toEqual([TO_QUEUE]);
    const costs = await json<{ counts: Record<string, number> }>(`${runtime.url}/local/costs`);
    expect(costs.counts['scheduler.invocations']).toBe(2);
  }, 300_000);
});
