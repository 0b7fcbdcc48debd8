/**
 * Writing the simulated tickets: through TicketRepository, so it stays the only code that knows the table
 * layout, but with several tickets packed into each real transaction (DynamoDB Local's single writer is
 * the bottleneck).
 */
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import type { AuditEvent, Message } from '../../shared/domain';
import type { Story } from './story';

/** DynamoDB allows 100 items per transaction; keep room for the ticket and approval items. */
const MAX_ITEMS_PER_APPEND = 90;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The opening in one transaction (ticket, first message, opening audit, reference, dedupe key), then each
 * segment of the history in its own (see Story): the table stream shows the ticket arrive and then change
 * milestone by milestone, as it would have. A segment too long for one transaction is split; each part
 * rewrites the segment's ticket under its version condition.
 */
export type Dedupe = { readonly channel: string; readonly key: string };

export async function write(repo: TicketRepository, story: Story, dedupe: Dedupe) {
  const created = await repo.create({
    ...story.opening,
    dedupe: { ...dedupe, expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400 },
  });
  if (created.kind === 'duplicate') return 'duplicate' as const;
  let expectedVersion = story.opening.ticket.version;
  for (const [n, segment] of story.segments.entries()) {
    // Approvals go with the last segment, in their final state.
    const approvals =
      n === story.segments.length - 1
        ? [...story.approvals.values()].map((approval) => ({ approval, expectedVersion: null }))
        : [];
    const entries: Array<{ message: Message } | { audit: AuditEvent }> = [
      ...segment.messages.map((message) => ({ message })),
      ...segment.audit.map((audit) => ({ audit })),
    ];
    for (const [i, part] of chunks(entries, MAX_ITEMS_PER_APPEND - 2 * approvals.length).entries()) {
      await repo.append({
        ticket: segment.ticket,
        expectedVersion,
        messages: part.flatMap((e) => ('message' in e ? [e.message] : [])),
        audit: part.flatMap((e) => ('audit' in e ? [e.audit] : [])),
        ...(i === 0 && approvals.length > 0 ? { approvals } : {}),
        ...(i === 0 && n === story.segments.length - 1 && story.intentLabel
          ? { intentLabel: story.intentLabel }
          : {}),
      });
      expectedVersion = segment.ticket.version;
    }
  }
  return 'created' as const;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * The transactions TicketRepository would send for one ticket (create, then each append), recorded instead
 * of sent, so the repository stays the only code that knows the table layout while the seed packs several
 * tickets into each real transaction.
 */
async function captureWrites(tableName: string, story: Story, dedupe: Dedupe): Promise<TransactItems[]> {
  const captured: TransactItems[] = [];
  const recorder = {
    send: async (command: unknown) => {
      if (!(command instanceof TransactWriteCommand)) throw new Error('seed:demo records only transactions');
      captured.push(command.input.TransactItems ?? []);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await write(new TicketRepository(recorder, tableName), story, dedupe);
  return captured;
}

/**
 * Writes a batch of tickets: round 0 holds every ticket's opening, round n its n-th history segment, each
 * round packed into transactions of up to 100 items (one ticket's write is never split). A ticket appears
 * once per round, so the stream still shows each ticket change by change, in order. An opening refused by
 * a condition (a ticket already there from an earlier run) is retried alone through the repository, which
 * answers duplicates; the rest of the batch goes on.
 */
export async function writeBatch(
  db: DynamoDBDocumentClient,
  repo: TicketRepository,
  tableName: string,
  batch: ReadonlyArray<{ story: Story; dedupe: Dedupe }>,
): Promise<Array<'created' | 'duplicate'>> {
  const writes = await Promise.all(batch.map((b) => captureWrites(tableName, b.story, b.dedupe)));
  const outcome: Array<'created' | 'duplicate' | 'alone'> = batch.map(() => 'created');
  const rounds = Math.max(0, ...writes.map((w) => w.length));
  for (let round = 0; round < rounds; round++) {
    let tx: Array<{ ticket: number; items: TransactItems }> = [];
    const send = async () => {
      if (tx.length === 0) return;
      const group = tx;
      tx = [];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: group.flatMap((g) => g.items) }));
      } catch (e: unknown) {
        if (round > 0 || !(e instanceof Error) || e.name !== 'TransactionCanceledException') throw e;
        for (const g of group) outcome[g.ticket] = 'alone';
      }
    };
    for (const [ticket, w] of writes.entries()) {
      const items = w[round];
      if (!items || outcome[ticket] !== 'created') continue;
      if (tx.reduce((n, g) => n + g.items.length, 0) + items.length > 100) await send();
      tx.push({ ticket, items });
    }
    await send();
  }
  const results: Array<'created' | 'duplicate'> = [];
  for (const [i, b] of batch.entries()) {
    const o = outcome[i];
    results.push(o === 'alone' ? await write(repo, b.story, b.dedupe) : o === 'duplicate' ? o : 'created');
  }
  return results;
}
