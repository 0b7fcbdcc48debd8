import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { drain, outbox } from '../support/mail';
import { devToken, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// The transactional outbox and the durable local delivery, together: a ticket that was committed is
// announced, acknowledged and timed even when the process dies right after the commit.

const BURST = 200;
const KILL_AFTER = 60;
const CONCURRENCY = 8;

async function storedTickets(
  rt: RuntimeProcess,
): Promise<Array<{ id: string; reference: string; email: string }>> {
  const db = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${rt.dynamoPort}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const tickets: Array<{ id: string; reference: string; email: string }> = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: 'frontdoor-local',
        FilterExpression: 'entity = :t',
        ExpressionAttributeValues: { ':t': { S: 'ticket' } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const t = unmarshall(item);
      tickets.push({ id: t.id, reference: t.reference, email: t.requester.email });
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  db.destroy();
  return tickets;
}

describe('kill -9 in the middle of a burst of webhooks, then a restart (local runtime)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-crash-'));
  let runtime: RuntimeProcess | undefined;
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives every ticket DynamoDB kept exactly one acknowledgement and its wake-up', async () => {
    const first = await startRuntimeProcess({ dataDir, detached: true });
    let accepted = 0;
    const acceptedIds: string[] = [];
    let killed: Promise<void> | undefined;
    let next = 0;
    const sender = async () => {
      while (next < BURST && !killed) {
        const i = next++;
        const payload = {
          id: `crash-${i}`,
          subject: `Question ${i} about the dashboard`,
          body: 'How do I export a report?',
          requester: { email: `crash-${i}@customer.example` },
        };
        try {
          const answer = await postWebhook(first.url, 'demo', payload);
          if (answer.status === 202) {
            accepted++;
            acceptedIds.push(String(answer.body.ticketId));
          }
        } catch {
          // The runtime died under this request: the sender never heard back.
        }
        if (accepted >= KILL_AFTER && !killed) killed = first.killGroup();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await (killed ?? first.killGroup());
    expect(accepted).toBeGreaterThanOrEqual(KILL_AFTER);

    const restartedAt = Date.now();
    runtime = await startRuntimeProcess({ dataDir });
    await drain(runtime.url);

    const tickets = await storedTickets(runtime);
    // DynamoDB Local answers a write before it is on disk: the last commits before a SIGKILL of its Java
    // process can be gone after the restart (DynamoDB itself is durable once it answers). What the
    // database did keep is what the outbox promises about, so that is what is checked.
    const kept = new Set(tickets.map((t) => t.id));
    const lostByTheDatabase = acceptedIds.filter((id) => !kept.has(id)).length;
    console.log(
      `crash test: ${accepted} webhooks answered 202 before the kill; ${tickets.length} tickets kept; ${lostByTheDatabase} answered but not kept by DynamoDB Local`,
    );
    expect(tickets.length).toBeGreaterThan(0);
    const mails = await outbox(runtime.url);
    const schedules = (await (await fetch(`${runtime.url}/local/schedules`)).json()) as Array<{
      name: string;
    }>;
    const token = await devToken(dataDir, 'lead@example.com');
    const problems: string[] = [];
    let resent = 0;
    for (const t of tickets) {
      // Every open ticket has a pending wake-up (its SLA warning, reminder or idle notice to come).
      if (!schedules.some((s) => s.name === `ticket-${t.id}`)) problems.push(`${t.reference}: no wake-up`);
      const mailed = mails.filter((m) => m.to.includes(t.email) && m.subject.includes(`[${t.reference}]`));
      const view = (await (
        await fetch(`${runtime.url}/v1/tickets/${t.id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { audit: Array<{ action: string; after: { cause?: string; messageId?: string } | null }> };
      const recorded = view.audit
        .filter((a) => a.action === 'mail.sent' && a.after?.cause === 'ticket.created@1')
        .map((a) => a.after?.messageId);
      // Exactly one acknowledgement on the ticket's record, and it is a mail that went out.
      if (recorded.length !== 1 || !mailed.some((m) => m.messageId === recorded[0]))
        problems.push(
          `${t.reference}: ${recorded.length} acknowledgements recorded, ${mailed.length} mailed`,
        );
      // A second mail only where DynamoDB Local lost the record of the first: sent before the kill,
      // never recorded, so the redelivery could not know it had gone out.
      for (const extra of mailed.filter((m) => m.messageId !== recorded[0])) {
        resent++;
        if (Date.parse(extra.sentAt) >= restartedAt)
          problems.push(`${t.reference}: acknowledged again after the restart (${extra.messageId})`);
      }
    }
    console.log(
      `crash test: ${resent} acknowledgement(s) sent in the instant before the kill, whose sending never reached the disk, were sent again`,
    );
    expect(problems).toEqual([]);
    const dead = (await (await fetch(`${runtime.url}/local/dead-letters`)).json()) as Record<
      string,
      unknown[]
    >;
    expect(dead).toEqual({ events: [], queues: [], mail: [], stream: [], schedules: [] });
    // Generous: two start-ups, a burst, and redeliveries that wait out the killed deliveries' timeouts.
  }, 900_000);
});
