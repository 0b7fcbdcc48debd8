import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/api';
import { drain, outbox, sendMail } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// Issue 19 against `npm start`: intake works with no model; `npm run seed:demo` leaves agents' labels and
// `npm run intent:train` learns from them; a mail "we were charged twice, please refund" is then a billing
// dispute with the model's confidence and version in the triage audit entry; German mail gets language de;
// an agent's correction is a label; a lead's retraining request trains a new model in the background.

interface View {
  ticket: {
    id: string;
    reference: string;
    version: number;
    requestType: string;
    language?: string;
    intent?: {
      predicted?: { name: string; confidence: number; top: Array<{ name: string }>; modelVersion: string };
      label?: { name: string; by: string };
    };
  };
  audit: Array<{ action: string; after: Record<string, unknown> | null }>;
}
interface Overview {
  model: null | { version: string; examples: number; intents: string[]; bytes: number };
  minConfidence: number;
  labels: number;
  quality: null | {
    perIntent: Array<{ intent: string; precision: number; recall: number; support: number }>;
  };
}

const LEAD = 'lead@example.com';
const run = promisify(execFile);

describe('learned intent and language (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  /** Runs one of the npm scripts' tools against this runtime, as a user would in a second shell. */
  const tool = (script: string, args: string[]) =>
    run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(runtime.port),
        DYNAMODB_PORT: String(runtime.dynamoPort),
        DATA_DIR: dataDir,
        AWS_REGION: '',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
  const overview = async (): Promise<Overview> => {
    const res = await as(LEAD, '/v1/intent');
    expect(res.status).toBe(200);
    return res.body as unknown as Overview;
  };
  /** The one ticket of a requester, by mail. */
  const mailed = async (from: string, subject: string, text: string): Promise<View> => {
    await sendMail(runtime.smtpPort, { from, subject, text });
    await drain(runtime.url);
    const found = await as(LEAD, `/v1/tickets?requester=${encodeURIComponent(from)}`);
    const [ticket] = (found.body.tickets ?? []) as Array<{ id: string }>;
    if (!ticket) throw new Error(`no ticket from ${from}`);
    return (await as(LEAD, `/v1/tickets/${ticket.id}`)).body as unknown as View;
  };
  const triaged = (view: View) => view.audit.find((a) => a.action === 'ticket.triaged')?.after ?? {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-intent-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('with no model, intake works: the keyword rules decide and nothing is predicted', async () => {
    expect(await overview()).toMatchObject({ model: null, labels: 0, quality: null });
    const view = await mailed(
      'before-model@customer.example',
      'Question about our invoice',
      'Hello, we were charged twice this month, please refund the second payment. Thanks.',
    );
    expect(view.ticket.intent).toBeUndefined();
    expect(view.ticket.language).toBe('en');
    expect(triaged(view)).toMatchObject({ requestTypeBy: 'rule', language: 'en' });
    expect(triaged(view)).not.toHaveProperty('intent');

    // A retraining request with too few labels changes nothing.
    expect((await as(LEAD, '/v1/intent/training', { method: 'POST' })).status).toBe(202);
    await drain(runtime.url);
    expect((await overview()).model).toBeNull();
  });

  it('refuses the routes to those who may not use them and names what is wrong with a label', async () => {
    expect((await as('agent@example.com', '/v1/intent')).status).toBe(403);
    expect((await as('agent@example.com', '/v1/intent/training', { method: 'POST' })).status).toBe(403);
    const view = await mailed(
      'label-refusals@customer.example',
      'Export',
      'How do I export all my data to CSV?',
    );
    const path = `/v1/tickets/${view.ticket.id}/intent`;
    const noBody = await as(LEAD, path, { method: 'PUT', body: {}, ifMatch: view.ticket.version });
    expect(noBody.status).toBe(400);
    const unknown = await as(LEAD, path, {
      method: 'PUT',
      body: { intent: 'pizza_order' },
      ifMatch: view.ticket.version,
    });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('pizza_order');
    const stale = await as(LEAD, path, {
      method: 'PUT',
      body: { intent: 'general_question' },
      ifMatch: view.ticket.version + 5,
    });
    expect(stale.status).toBe(409);
  });

  it('detects German in a German mail, and acknowledges it in German', async () => {
    const view = await mailed(
      'kunde@kunde.example',
      'Rechnung doppelt bezahlt',
      'Guten Tag, wir haben die Rechnung für diesen Monat zweimal bezahlt. Bitte erstatten Sie uns den doppelten Betrag zurück. Vielen Dank',
    );
    expect(view.ticket.language).toBe('de');
    expect(triaged(view)).toMatchObject({ language: 'de' });
    // The acknowledgement uses the template's German locale.
    const ack = (await outbox(runtime.url)).find((m) => m.to.includes('kunde@kunde.example'));
    expect(ack?.subject).toBe(
      `Wir haben Ihre Anfrage erhalten: Rechnung doppelt bezahlt [${view.ticket.reference}]`,
    );
    expect(ack?.text).toContain('vielen Dank für Ihre Nachricht');
  });

  it('learns from the demo history’s labels and classifies a new mail, its confidence and model in the audit', async () => {
    await tool('tools/seed-demo.ts', ['--tickets', '240', '--days', '30']);
    const labelled = await overview();
    expect(labelled.labels).toBeGreaterThanOrEqual(20);

    const { stdout, stderr } = await tool('tools/intent-train.ts', []);
    expect(stderr).toMatch(/read \d+ labels/);
    const facts = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      version: string;
      examples: number;
      bytes: number;
    };
    expect(facts.examples).toBe(labelled.labels);
    const trained = await overview();
    expect(trained.model).toMatchObject({ version: facts.version, bytes: facts.bytes });
    expect(trained.model?.intents).toEqual(expect.arrayContaining(['billing_dispute', 'cancellation']));
    // The artifact is in the data directory's object store, under the version's key.
    expect(readdirSync(join(dataDir, 'objects'), { recursive: true }).map(String)).toEqual(
      expect.arrayContaining([expect.stringContaining(`${facts.version}.bin`)]),
    );

    const view = await mailed(
      'twice@customer.example',
      'Our payment',
      'we were charged twice, please refund',
    );
    expect(view.ticket.intent?.predicted).toMatchObject({
      name: 'billing_dispute',
      modelVersion: facts.version,
    });
    const confidence = view.ticket.intent?.predicted?.confidence ?? 0;
    expect(confidence).toBeGreaterThan(0);
    expect(confidence).toBeLessThanOrEqual(1);
    expect(view.ticket.intent?.predicted?.top.length).toBeLessThanOrEqual(3);
    expect(triaged(view)).toMatchObject({
      intent: { name: 'billing_dispute', confidence, modelVersion: facts.version },
    });
    if (confidence >= trained.minConfidence) {
      expect(view.ticket.requestType).toBe('billing_dispute');
      expect(triaged(view)).toMatchObject({ requestTypeBy: 'intent' });
    }
  });

  it('keeps an agent’s correction as a label, and a lead’s retraining request puts a new model in force', async () => {
    const before = await overview();
    const view = await mailed(
      'leaving@customer.example',
      'Ending our contract',
      'Please cancel our subscription at the end of this month, we are moving to another tool.',
    );
    const predicted = view.ticket.intent?.predicted?.name;
    expect(predicted).toBeDefined();
    const correction = predicted === 'account_change' ? 'cancellation' : 'account_change';
    const labelled = await as('agent@example.com', `/v1/tickets/${view.ticket.id}/intent`, {
      method: 'PUT',
      body: { intent: correction },
      ifMatch: view.ticket.version,
    });
    expect(labelled.status, JSON.stringify(labelled.body)).toBe(200);
    expect(labelled.body.ticket).toMatchObject({
      intent: { predicted: { name: predicted }, label: { name: correction, by: 'agent@example.com' } },
    });
    const after = (await as(LEAD, `/v1/tickets/${view.ticket.id}`)).body as unknown as View;
    expect(after.audit.find((a) => a.action === 'intent.labelled')?.after).toMatchObject({
      label: correction,
      verdict: 'corrected',
    });
    const counted = await overview();
    expect(counted.labels).toBe(before.labels + 1);
    expect(counted.quality?.perIntent.map((p) => p.intent)).toContain(correction);

    expect((await as(LEAD, '/v1/intent/training', { method: 'POST' })).status).toBe(202);
    await drain(runtime.url);
    const retrained = await overview();
    expect(retrained.model?.version).not.toBe(before.model?.version);
    expect(retrained.model?.examples).toBe(counted.labels);
  });

  it('trains from a text,category CSV with npm run intent:train -- --csv, and intake uses that model next', async () => {
    const { stdout } = await tool('tools/intent-train.ts', ['--csv', 'test/fixtures/intent/train.csv']);
    const facts = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      version: string;
      intents: string[];
    };
    expect(facts.intents).toEqual([
      'cancel_subscription',
      'card_arrival',
      'password_reset',
      'refund_request',
    ]);
    expect((await overview()).model?.version).toBe(facts.version);
    const view = await mailed(
      'card@customer.example',
      'Card',
      'My new card still has not arrived, where is it? It has been two weeks.',
    );
    expect(view.ticket.intent?.predicted).toMatchObject({
      name: 'card_arrival',
      modelVersion: facts.version,
    });
    // An intent that is no request type sets none: the keyword rules and the default decide.
    expect(view.ticket.requestType).toBe('general_question');

    const bad = await tool('tools/intent-train.ts', ['--csv', 'test/fixtures/intent/no-columns.csv']).catch(
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
  });
});
