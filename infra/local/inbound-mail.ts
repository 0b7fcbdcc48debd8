/**
 * SES's asynchronous invocation of the inbound-mail function: each mail the SMTP stand-in accepted is kept
 * under DATA_DIR until the function has finished with it (handed over again after a restart), tried three
 * times, then put in the mail dead-letter list.
 */
import type { SESEvent } from 'aws-lambda';
import { billingMeter } from '../../shared/adapters/billing-meter';
import type { FunctionSpec } from '../../shared/topology';
import { type DurableList, type DurableRecords, timeOrderedId } from './durable-records';
import type { Invoke } from './function-invoker';

export interface MailDeadLetter {
  readonly event: SESEvent;
  readonly error: string;
}

export class LocalInboundMail {
  private readonly inFlight = new Set<Promise<void>>();
  /** Mails the function has finished with (succeeded or dead-lettered) since start. */
  handled = 0;

  constructor(
    private readonly options: {
      /** The inbound-mail function; without one, mail is accepted and nothing runs. */
      readonly fn: FunctionSpec | undefined;
      readonly invoke: Invoke;
      readonly pending: DurableRecords<SESEvent>;
      readonly deadLetters: DurableList<MailDeadLetter>;
      readonly log: (line: string) => void;
    },
  ) {}

  get deadLetters(): readonly MailDeadLetter[] {
    return this.options.deadLetters.items;
  }

  /**
   * `POST /local/redrive`: the mails the function gave up on, and unless `dryRun` each handed to it again
   * (kept as pending first, then taken off the list: a crash in between hands it over twice, never loses it).
   */
  redrive(dryRun: boolean): { deadLetters: MailDeadLetter[]; moved: number } {
    const dead = [...this.options.deadLetters.items];
    if (dryRun || !this.options.fn) return { deadLetters: dead, moved: 0 };
    for (const d of dead) {
      const id = timeOrderedId();
      this.options.pending.put(id, d.event);
      this.run(id, d.event);
    }
    const sent = new Set(dead);
    this.options.deadLetters.take((d) => sent.has(d));
    return { deadLetters: dead, moved: dead.length };
  }

  /** Hands over again every mail a previous instance accepted and did not finish with. */
  resume(): void {
    for (const { id, record } of this.options.pending.list()) this.run(id, record);
  }

  /** A mail SES received: billed as SES would bill it, kept, then handed to the function. */
  deliver(event: SESEvent): void {
    if (!this.options.fn) return;
    // SES receives the mail and writes it to the bucket (an S3 PUT) before the function runs.
    billingMeter.add('ses.inboundMessages');
    billingMeter.add('s3.writeRequests');
    const id = timeOrderedId();
    this.options.pending.put(id, event);
    this.run(id, event);
  }

  /** Settles when every mail handed over so far has been handled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private run(id: string, event: SESEvent): void {
    const { fn, invoke, pending, deadLetters, log } = this.options;
    if (!fn) return;
    const run = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await invoke(fn, event);
          return;
        } catch (e: unknown) {
          const error = e instanceof Error ? e.message : String(e);
          if (attempt >= 3) {
            deadLetters.push({ event, error });
            log(
              `inbound mail ${event.Records[0]?.ses.mail.messageId} failed 3× and went to the DLQ: ${error}`,
            );
            return;
          }
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => {
      pending.delete(id);
      this.handled++;
      this.inFlight.delete(run);
    });
  }
}
