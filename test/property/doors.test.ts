import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventDelivery,
  formSubmission,
  inboundMail,
  messageBody,
  patchBody,
  webhookBody,
  wire,
} from './arbitraries';
import {
  baseTickets,
  type DoorOutcome,
  eventDoor,
  expectReadableOrNamed,
  formDoor,
  mailDoor,
  messageDoor,
  patchDoor,
  webhookDoor,
} from './doors';
import { DOOR_RUNS, TOTAL_RUNS } from './runs';

/** Counts what a door did, so a generator that only ever produces refusals fails the test. */
function tally() {
  const seen = { refused: 0, written: 0, nothing: 0 };
  return {
    add: (o: DoorOutcome) => {
      seen[o.kind]++;
      return o;
    },
    seen,
  };
}

describe('every door, in process: what it accepts is readable, what it refuses is named', () => {
  it('generates at least 10,000 cases a run across the doors and their handlers', () => {
    expect(TOTAL_RUNS).toBeGreaterThanOrEqual(10_000);
  });

  it('webhook: a refusal names each field; an accepted delivery makes a ticket, message and audit trail that store and read back', async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(webhookBody, async (generated) => {
        const body = wire(generated);
        expectReadableOrNamed(t.add(await webhookDoor(body)), body);
      }),
      { numRuns: DOOR_RUNS.webhook },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.webhook / 10);
    expect(t.seen.refused).toBeGreaterThan(DOOR_RUNS.webhook / 10);
  });

  it('form: a refusal names each field; an accepted submission stores and reads back', async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(formSubmission, async ({ requestType, body: generated }) => {
        const body = wire(generated);
        expectReadableOrNamed(t.add(await formDoor(requestType, body)), body);
      }),
      { numRuns: DOOR_RUNS.form },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.form / 10);
    expect(t.seen.refused).toBeGreaterThan(DOOR_RUNS.form / 10);
  });

  it('events: a refusal names each detail field; the proactive tickets and mails the rules write store and read back', () => {
    const t = tally();
    fc.assert(
      fc.property(eventDelivery, (generated) => {
        const body = wire(generated);
        expectReadableOrNamed(t.add(eventDoor(body)), body);
      }),
      { numRuns: DOOR_RUNS.event },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.event / 10);
    expect(t.seen.refused).toBeGreaterThan(DOOR_RUNS.event / 10);
  });

  it('mail: whatever a mail says, the ticket it opens stores and reads back', () => {
    const t = tally();
    fc.assert(
      fc.property(inboundMail, (mail) => {
        expectReadableOrNamed(t.add(mailDoor(mail)), mail);
      }),
      { numRuns: DOOR_RUNS.mail },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.mail / 2);
  });

  it('PATCH: a refusal names each field; an accepted change stores and reads back, audit included', () => {
    const tickets = baseTickets();
    const t = tally();
    fc.assert(
      fc.property(fc.constantFrom(...tickets), patchBody, (ticket, generated) => {
        const body = wire(generated);
        expectReadableOrNamed(t.add(patchDoor(ticket, body)), body);
      }),
      { numRuns: DOOR_RUNS.patch },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.patch / 10);
    expect(t.seen.refused).toBeGreaterThan(DOOR_RUNS.patch / 10);
  });

  it('messages: a refusal names each field; an accepted reply or note stores and reads back', () => {
    const tickets = baseTickets();
    const t = tally();
    fc.assert(
      fc.property(fc.constantFrom(...tickets), messageBody, (ticket, generated) => {
        const body = wire(generated);
        expectReadableOrNamed(t.add(messageDoor(ticket, body)), body);
      }),
      { numRuns: DOOR_RUNS.message },
    );
    expect(t.seen.written).toBeGreaterThan(DOOR_RUNS.message / 10);
    expect(t.seen.refused).toBeGreaterThan(DOOR_RUNS.message / 10);
  });
});
