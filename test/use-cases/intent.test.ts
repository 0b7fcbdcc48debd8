import { describe, expect, it } from 'vitest';
import {
  defaultWorkflow,
  parseWorkflowConfig,
  type WorkflowConfig,
  workflowConfig,
} from '../../shared/config';
import {
  decodeIntentModel,
  encodeIntentModel,
  evaluateIntents,
  intentText,
  predictIntent,
  trainIntentModel,
} from '../../shared/domain/intent-model';
import {
  intentModelKey,
  intentModelVersion,
  intentOverview,
  trainAndSaveIntentModel,
  trainIntentFromLabels,
} from '../../shared/use-cases/intent';
import {
  INTENT_MODELS_PREFIX,
  type IntentLabelRecord,
  type IntentLabelsPort,
  type IntentModelInfo,
  type IntentModelStorePort,
} from '../../shared/use-cases/ports';

// Training the intent model from the agents' labels (issue 19), with the labels and the model store in
// memory: too few labels or too little variety changes nothing; enough trains, saves and moves the marker.
// labelTicketIntent needs a ticket repository and is covered by the local runtime's tests.

const NOW = new Date('2026-12-06T09:30:15.123Z');
const clock = { now: () => NOW };

/** The labels, paged like the table is (pages of `pageSize`), oldest first. */
class MemoryLabels implements IntentLabelsPort {
  constructor(
    readonly records: IntentLabelRecord[],
    private readonly pageSize = 10,
  ) {}
  async list(onPage?: (read: number) => void): Promise<IntentLabelRecord[]> {
    for (let read = this.pageSize; read < this.records.length + this.pageSize; read += this.pageSize)
      onPage?.(Math.min(read, this.records.length));
    return [...this.records];
  }
}

/** Artifacts by key, and the marker; `log` says what was written, in order. */
class MemoryModels implements IntentModelStorePort {
  readonly objects = new Map<string, Uint8Array>();
  marker: IntentModelInfo | undefined;
  readonly log: string[] = [];
  constructor(private readonly onWrite: (what: string) => void = () => {}) {}
  async current(): Promise<IntentModelInfo | undefined> {
    return this.marker;
  }
  async read(info: IntentModelInfo): Promise<Uint8Array> {
    const bytes = this.objects.get(info.key);
    if (!bytes) throw new Error(`no artifact at ${info.key}`);
    return bytes;
  }
  async save(info: IntentModelInfo, artifact: Uint8Array): Promise<void> {
    this.objects.set(info.key, artifact.slice());
    this.onWrite(`artifact ${info.key}`);
    this.marker = info;
    this.onWrite(`marker ${info.version}`);
  }
}

const TEXTS: Record<string, Array<[string, string]>> = {
  card_arrival: [
    ['Card not arrived', 'My new card still has not arrived in the post.'],
    ['Where is my card', 'I ordered a card two weeks ago and it is not here.'],
    ['Card delivery', 'How long does card delivery usually take?'],
    ['Waiting for card', 'Still waiting for my card to be delivered.'],
    ['Card missing', 'The card you sent never arrived at my address.'],
    ['Card shipping', 'Has my card been shipped yet? It has not arrived.'],
    ['New card', 'When will my new card arrive by mail?'],
    ['Card post', 'The postman did not bring my card yet.'],
  ],
  password_reset: [
    ['Forgot password', 'I forgot my password and cannot log in.'],
    ['Reset password', 'Please reset my password, the login fails.'],
    ['Password link', 'The password reset link does not work.'],
    ['Locked out', 'I cannot log in, wrong password every time.'],
    ['Change password', 'How do I change my password?'],
    ['Login problem', 'My password is not accepted at login.'],
    ['Password expired', 'My password expired and I cannot sign in.'],
    ['New password', 'I need a new password to log in.'],
  ],
  refund_request: [
    ['Refund please', 'I was charged twice, please refund the money.'],
    ['Money back', 'I want my money back for the last order.'],
    ['Double charge', 'You charged my account twice, refund one payment.'],
    ['Refund status', 'When will I get my refund for the payment?'],
    ['Return payment', 'Please return the payment, I cancelled the order.'],
    ['Wrong charge', 'A wrong charge on my bill, I need a refund.'],
    ['Refund order', 'Refund the money for the order I returned.'],
    ['Charged again', 'I was charged again after cancelling, refund it.'],
  ],
};

const records = (intents: readonly string[] = Object.keys(TEXTS), perIntent = 8): IntentLabelRecord[] =>
  intents.flatMap((label) =>
    (TEXTS[label] ?? []).slice(0, perIntent).map(([subject, body], i) => ({
      ticketId: `${label}-${i}`,
      subject,
      body,
      label,
      by: 'agent@example.com',
      at: '2026-12-01T10:00:00.000Z',
    })),
  );

const withIntent = (intent: Record<string, unknown>): WorkflowConfig =>
  parseWorkflowConfig({ ...structuredClone(defaultWorkflow), intent });

describe('intentModelVersion', () => {
  it('is the training time to the millisecond, new for every training, sortable', () => {
    expect(intentModelVersion(NOW)).toBe('intent-20261206T093015123Z');
    expect(intentModelVersion(new Date('2027-01-02T03:04:05Z'))).toBe('intent-20270102T030405000Z');
    const a = intentModelVersion(new Date('2026-12-06T09:30:15.998Z'));
    const b = intentModelVersion(new Date('2026-12-06T09:30:15.999Z'));
    const c = intentModelVersion(new Date('2026-12-06T09:30:16.000Z'));
    expect(new Set([a, b, c]).size).toBe(3);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('keys the artifact under the models prefix', () => {
    expect(intentModelKey('intent-20261206T093015123Z')).toBe(
      `${INTENT_MODELS_PREFIX}intent-20261206T093015123Z.bin`,
    );
  });
});

describe('training from the labels', () => {
  it('skips with too few labels, saying how many it has and needs, and saves nothing', async () => {
    const models = new MemoryModels();
    const labels = new MemoryLabels(records(Object.keys(TEXTS), 3));
    const result = await trainIntentFromLabels({ labels, models, clock, config: workflowConfig });
    expect(result).toEqual({
      kind: 'skipped',
      reason: '9 labelled examples; training needs at least 20 (intent.minExamples)',
    });
    expect(models.marker).toBeUndefined();
    expect(models.objects.size).toBe(0);
  });

  it('takes intent.minExamples from the config', async () => {
    const models = new MemoryModels();
    const labels = new MemoryLabels(records(Object.keys(TEXTS), 3));
    const config = withIntent({ minExamples: 9 });
    expect((await trainIntentFromLabels({ labels, models, clock, config })).kind).toBe('trained');
    const stricter = withIntent({ minExamples: 10 });
    const skipped = await trainIntentFromLabels({
      labels,
      models: new MemoryModels(),
      clock,
      config: stricter,
    });
    expect(skipped).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('at least 10') });
  });

  it('trains on enough labels of three intents, saves an artifact that predicts them, moves the marker', async () => {
    const writes: string[] = [];
    const lines: string[] = [];
    const models = new MemoryModels((w) => writes.push(w));
    const labelled = records();
    const result = await trainIntentFromLabels(
      { labels: new MemoryLabels(labelled), models, clock, config: workflowConfig },
      (line) => lines.push(line),
    );
    if (result.kind !== 'trained') throw new Error(`skipped: ${result.reason}`);
    const { info } = result;
    const version = intentModelVersion(NOW);
    expect(info).toMatchObject({
      version,
      key: intentModelKey(version),
      trainedAt: NOW.toISOString(),
      examples: labelled.length,
      intents: ['card_arrival', 'password_reset', 'refund_request'],
    });
    expect(models.marker).toEqual(info);
    expect(writes).toEqual([`artifact ${info.key}`, `marker ${version}`]);

    const artifact = await models.read(info);
    expect(info.bytes).toBe(artifact.byteLength);
    const model = decodeIntentModel(artifact);
    expect(model.version).toBe(version);
    expect(model.intents).toEqual(info.intents);
    for (const l of labelled)
      expect(predictIntent(model, intentText(l.subject, l.body)).intent, l.subject).toBe(l.label);

    // Progress: what was read, then training, then what was saved, last.
    expect(lines[0]).toBe('read 10 labels');
    expect(lines).toContain(`read ${labelled.length} labels`);
    expect(lines.at(-1)).toBe(
      `saved ${version}: ${labelled.length} examples, 3 intents, ${artifact.byteLength} bytes`,
    );
  });

  it('trains on the subject and the new part of the message (intentText), not the quoted reply', async () => {
    const quoted =
      '\n\nOn Mon, 1 Dec 2026 at 10:00, Support <support@example.com> wrote:\n> reset your password here';
    const labelled = records().map((r) => ({ ...r, body: `${r.body}${quoted}` }));
    const models = new MemoryModels();
    const result = await trainIntentFromLabels({
      labels: new MemoryLabels(labelled),
      models,
      clock,
      config: workflowConfig,
    });
    if (result.kind !== 'trained') throw new Error(`skipped: ${result.reason}`);
    const saved = await models.read(result.info);
    // Training is deterministic (seeded): the same examples give the same bytes.
    const options = { version: result.info.version, trainedAt: NOW };
    const fresh = labelled.map((l) => ({ text: intentText(l.subject, l.body), label: l.label }));
    expect(fresh.every((e) => !e.text.includes('support@example.com'))).toBe(true);
    expect(saved).toEqual(encodeIntentModel(trainIntentModel(fresh, options)));
    const raw = labelled.map((l) => ({ text: `${l.subject} ${l.body}`, label: l.label }));
    expect(saved).not.toEqual(encodeIntentModel(trainIntentModel(raw, options)));
  });

  it('skips labels of one intent only, saying why, and keeps the model in force', async () => {
    const previous: IntentModelInfo = {
      version: 'intent-20261129T093000Z',
      key: intentModelKey('intent-20261129T093000Z'),
      trainedAt: '2026-11-29T09:30:00.000Z',
      examples: 40,
      intents: ['a', 'b'],
      bytes: 3,
    };
    const models = new MemoryModels();
    models.marker = previous;
    const oneIntent = Array.from({ length: 24 }, (_, i) => ({
      text: `my card has not arrived yet, day ${i}`,
      label: 'card_arrival',
    }));
    const result = await trainAndSaveIntentModel(oneIntent, { models, clock, config: workflowConfig });
    expect(result.kind).toBe('skipped');
    expect(result.kind === 'skipped' && result.reason).toMatch(/at least 2 intents, got 1 \(card_arrival\)/);
    expect(models.marker).toBe(previous);
    expect(models.objects.size).toBe(0);
  });

  it('skips an intent with a single example (the data cannot make a model)', async () => {
    const examples = [
      ...records(['card_arrival', 'password_reset'], 8).map((r) => ({
        text: intentText(r.subject, r.body),
        label: r.label,
      })),
      { text: 'I want my money back', label: 'refund_request' },
    ];
    const models = new MemoryModels();
    const config = withIntent({ minExamples: 10 });
    const result = await trainAndSaveIntentModel(examples, { models, clock, config });
    expect(result.kind).toBe('skipped');
    expect(result.kind === 'skipped' && result.reason).toContain('refund_request');
    expect(models.marker).toBeUndefined();
  });

  it('replaces the marker with the newer model and keeps the older artifact', async () => {
    const models = new MemoryModels();
    const examples = records().map((r) => ({ text: intentText(r.subject, r.body), label: r.label }));
    const first = await trainAndSaveIntentModel(examples, { models, clock, config: workflowConfig });
    const later = new Date(NOW.getTime() + 7 * 24 * 3_600_000);
    const second = await trainAndSaveIntentModel(examples, {
      models,
      clock: { now: () => later },
      config: workflowConfig,
    });
    if (first.kind !== 'trained' || second.kind !== 'trained') throw new Error('not trained');
    expect(second.info.version).toBe(intentModelVersion(later));
    expect(models.marker).toEqual(second.info);
    expect([...models.objects.keys()].sort()).toEqual([first.info.key, second.info.key].sort());
  });
});

describe('intentOverview', () => {
  const label = (label: string, predicted?: string, confidence?: number): IntentLabelRecord => ({
    ticketId: `t-${label}-${predicted ?? 'none'}-${confidence ?? 0}`,
    subject: 's',
    body: 'b',
    label,
    ...(predicted !== undefined ? { predicted, confidence, modelVersion: 'intent-v1' } : {}),
    by: 'agent@example.com',
    at: '2026-12-01T10:00:00.000Z',
  });

  it('says there is no model and no quality before any training or any prediction', async () => {
    const overview = await intentOverview({
      labels: new MemoryLabels([label('card_arrival'), label('refund_request')]),
      models: new MemoryModels(),
      config: withIntent({ minConfidence: 0.7 }),
    });
    expect(overview).toEqual({ model: null, minConfidence: 0.7, labels: 2, quality: null });
  });

  it('measures live precision and recall on the labels that had a prediction', async () => {
    const labels = [
      label('card_arrival', 'card_arrival', 0.9),
      label('card_arrival', 'refund_request', 0.6),
      label('refund_request', 'refund_request', 0.8),
      label('refund_request', 'refund_request', 0.95),
      label('password_reset', 'card_arrival', 0.5),
      label('password_reset'), // set by hand, no prediction: counted, not judged
    ];
    const models = new MemoryModels();
    const info: IntentModelInfo = {
      version: 'intent-v1',
      key: intentModelKey('intent-v1'),
      trainedAt: '2026-12-01T00:00:00.000Z',
      examples: 50,
      intents: ['card_arrival', 'password_reset', 'refund_request'],
      bytes: 100,
    };
    models.marker = info;
    const overview = await intentOverview({
      labels: new MemoryLabels(labels),
      models,
      config: workflowConfig,
    });
    expect(overview.model).toEqual(info);
    expect(overview.labels).toBe(6);
    expect(overview.minConfidence).toBe(0.8);
    const quality = overview.quality;
    if (!quality) throw new Error('no quality');
    expect(quality.accuracy).toBeCloseTo(3 / 5, 10);
    const per = Object.fromEntries(quality.perIntent.map((p) => [p.intent, p]));
    // card_arrival: predicted twice, right once; actual twice, found once.
    expect(per.card_arrival).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    // refund_request: predicted three times, right twice; actual twice, both found.
    expect(per.refund_request?.precision).toBeCloseTo(2 / 3, 10);
    expect(per.refund_request).toMatchObject({ recall: 1, support: 2 });
    // password_reset: never predicted; its one judged label was missed (the hand-set one is not judged).
    expect(per.password_reset).toMatchObject({ precision: 0, recall: 0, support: 1 });
    expect(quality).toEqual(
      evaluateIntents([
        { predicted: 'card_arrival', actual: 'card_arrival', confidence: 0.9 },
        { predicted: 'refund_request', actual: 'card_arrival', confidence: 0.6 },
        { predicted: 'refund_request', actual: 'refund_request', confidence: 0.8 },
        { predicted: 'refund_request', actual: 'refund_request', confidence: 0.95 },
        { predicted: 'card_arrival', actual: 'password_reset', confidence: 0.5 },
      ]),
    );
  });
});
