import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalEventBus } from '../../infra/local/event-bus';
import { LocalOutbox } from '../../infra/local/outbox';
import { VirtualClock } from '../../infra/local/virtual-clock';

// The local SES and EventBridge stand-ins stamp with the workflow clock the runtime hands them, so a
// fast-forwarded clock's mail and events carry the same times as the tickets they belong to.
const WORKFLOW_START = new Date('2031-05-04T10:00:00.000Z');
const dirs: string[] = [];

// Real time is vitest's fake clock, so the workflow clock reads exactly its start while a test runs.
beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the local stand-ins on the workflow clock', () => {
  it('LocalOutbox stamps sentAt with the clock it is given, not the wall clock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-clock-'));
    dirs.push(dir);
    const clock = new VirtualClock({ start: WORKFLOW_START, speed: 1 });
    const outbox = new LocalOutbox(join(dir, 'outbox.jsonl'), 'local', () => clock.now());
    const sent = outbox.send({
      FromEmailAddress: 'support@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello,' } } } },
    });
    expect(sent).toHaveProperty('MessageId');
    expect(outbox.list()[0]?.sentAt).toBe(WORKFLOW_START.toISOString());
  });

  it('LocalEventBus stamps an event time with the clock it is given, not the wall clock', () => {
    const clock = new VirtualClock({ start: WORKFLOW_START, speed: 1 });
    const bus = new LocalEventBus([], undefined, {}, () => clock.now());
    bus.put([{ Source: 'frontdoor', DetailType: 'ticket.created', Detail: '{}' }]);
    expect(bus.recent[0]?.time).toBe(WORKFLOW_START.toISOString());
  });
});
