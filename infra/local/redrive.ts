import { findDeadLetterQueue, noLocalEquivalent } from '../dead-letters';
import type { RuntimeServices } from './lifecycle';
import { localQueueArn } from './local-environment';
import { redriveDeadLetters } from './queues';

/**
 * `POST /local/redrive` `{ "queue": "<name>", "dryRun": true|false }` (`npm run redrive`): the dead letters
 * the local runtime keeps for one row of infra/dead-letters.ts, redelivered to the same consumer
 * (or in a dry run listed with why each failed), as the command does in AWS:
 * - a work queue: its dead messages back onto it, and the scheduler's fires that name its DLQ;
 * - a queue's rules, a function's event rules: the events the local bus dead-lettered for that target;
 * - the inbound-mail function: the mails it gave up on; a stream consumer: its records, read back.
 * A row with no local equivalent (the bus's: the local bus encrypts nothing) is refused with the reason.
 */
export interface LocalDeadLetter {
  readonly messageId: string;
  readonly receiveCount?: number;
  /** What was dead-lettered, as JSON text: an event, a queue message, an SES event, a stream record's ids. */
  readonly body: string;
  readonly error: string;
}

export interface LocalRedriveResult {
  readonly queue: string;
  readonly dryRun: boolean;
  readonly moved: number;
  readonly deadLetters: readonly LocalDeadLetter[];
  /** Dead letters a redrive tried and left where they were, with why. */
  readonly left: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

export type LocalRedriveServices = Pick<
  RuntimeServices,
  'queues' | 'queueDeadLetters' | 'bus' | 'mail' | 'scheduler' | 'tableStream'
>;

export async function redriveLocally(
  s: LocalRedriveServices,
  name: string,
  dryRun: boolean,
): Promise<LocalRedriveResult | { error: string }> {
  const row = findDeadLetterQueue(name);
  if (!row) return { error: `"${name}" is not a dead-letter queue` };
  const done = (moved: number, deadLetters: LocalDeadLetter[], left: LocalRedriveResult['left'] = []) => ({
    queue: name,
    dryRun,
    moved,
    deadLetters,
    left,
  });
  switch (row.kind) {
    case 'queue': {
      const queue = row.queue && s.queues.get(row.queue);
      if (!queue) return { error: `the local runtime has no queue ${row.queue}` };
      const fires = s.scheduler.redrive(
        localQueueArn(`${queue.spec.name}-dlq`),
        (i) => queue.send(i),
        dryRun,
      );
      const messages = redriveDeadLetters(queue, s.queueDeadLetters, dryRun);
      const wakeUps = fires.deadLetters.map((d) => ({
        messageId: `${d.group}/${d.schedule}`,
        body: d.input,
        error: d.error,
      }));
      return done(messages.moved + fires.moved, [...messages.deadLetters, ...wakeUps]);
    }
    case 'rules':
    case 'event-rule': {
      const out = s.bus.redrive(row.kind === 'rules' ? `queue:${row.queue}` : String(row.function), dryRun);
      const deadLetters = out.deadLetters.map((d) => ({
        messageId: d.event.id,
        body: JSON.stringify(d.event),
        error: d.error,
      }));
      return done(out.moved, deadLetters);
    }
    case 'inbound-mail': {
      const out = s.mail.redrive(dryRun);
      const deadLetters = out.deadLetters.map((d) => ({
        messageId: d.event.Records[0]?.ses.mail.messageId ?? '?',
        body: JSON.stringify(d.event),
        error: d.error,
      }));
      return done(out.moved, deadLetters);
    }
    case 'table-stream': {
      const out = await s.tableStream.redrive(String(row.function), dryRun);
      const deadLetters = out.deadLetters.map((d) => ({
        messageId: d.eventID,
        body: JSON.stringify({ eventID: d.eventID, sequenceNumber: d.sequenceNumber }),
        error: d.error,
      }));
      return done(out.moved, deadLetters, out.left);
    }
    case 'bus':
      return { error: noLocalEquivalent(row) ?? `${name} cannot be redriven locally` };
  }
}
