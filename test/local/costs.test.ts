import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeterSnapshot } from '../../shared/adapters/billing-meter';
import { drain } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 8's check against `npm start`: what the handlers do is counted where AWS would bill it — the
// gateway, the function invocations, the metered SDK clients, the queues, the state machines, the mailer.

describe('the billing meter of the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const costs = async () => (await (await fetch(`${runtime.url}/local/costs`)).json()) as MeterSnapshot;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-costs-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from zero on reset, then counts what one webhook ticket sets off', async () => {
    const reset = await fetch(`${runtime.url}/local/costs/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect((await costs()).counts).toEqual({});

    const created = await postWebhook(runtime.url, 'demo', {
      id: 'costs-1',
      subject: 'How do I export my reports?',
      body: 'Where is the CSV export?',
      requester: { email: 'kim@smallshop.example' },
    });
    expect(created.status).toBe(202);
    await drain(runtime.url);

    const { counts, functions, since } = await costs();
    expect(Date.parse(since)).not.toBeNaN();
    // The webhook itself: one API Gateway request, one receive-webhook invocation.
    expect(counts['apiGateway.requests']).toBe(1);
    expect(functions['receive-webhook']).toMatchObject({ invocations: 1 });
    expect(counts['lambda.gbSeconds']).toBeGreaterThan(0);
    // ticket.created (and its triage) on the bus, fanned out to queues (send, receive, delete each).
    expect(counts['eventBridge.events']).toBeGreaterThanOrEqual(1);
    expect(counts['sqs.requests']).toBeGreaterThanOrEqual(3);
    // The create transaction, reads and the sent-mail bookkeeping, in request units.
    expect(counts['dynamodb.writeRequestUnits']).toBeGreaterThan(10);
    expect(counts['dynamodb.readRequestUnits']).toBeGreaterThan(0);
    // The acknowledgement, and the ticket clock's first look: it sets a wake-up, and starts no Step
    // Functions execution (nothing is due yet, so nothing has fired either).
    expect(counts['ses.outboundMessages']).toBe(1);
    expect(functions['run-ticket-clock']?.invocations).toBeGreaterThanOrEqual(1);
    expect(counts['stepFunctions.stateTransitions']).toBeUndefined();
    expect(counts['scheduler.invocations']).toBeUndefined();
    expect(counts['lambda.requests']).toBe(Object.values(functions).reduce((n, f) => n + f.invocations, 0));
  });
});
