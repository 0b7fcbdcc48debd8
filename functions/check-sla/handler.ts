import { documentClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { SlaTimerStore } from '../../shared/adapters/sla-timers';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { TicketId } from '../../shared/domain';
import * as z from '../../shared/domain/zod';
import { type ClockAnswer, checkSlaClock } from '../../shared/use-cases/sla-timer';

const tableName = requiredEnv('TABLE_NAME');
const ports = {
  tickets: new TicketRepository(documentClient(), tableName),
  timers: new SlaTimerStore(documentClient(), tableName),
  clock: systemClock,
  config: workflowConfig,
  busName: requiredEnv('EVENT_BUS_NAME'),
};

const Input = z.object({ ticketId: TicketId, execution: z.string().check(z.minLength(1), z.maxLength(80)) });

/** The SLA timer's AskClock Task (`lambda:invoke`): `{ ticketId, execution }` → `{ action, waitUntil, entries }`. */
export const handler = async (event: unknown): Promise<ClockAnswer> => {
  const parsed = Input.safeParse(event);
  // A malformed input is a bug in the state machine, not a transient error: fail loudly.
  if (!parsed.success)
    throw new Error(`check-sla got ${JSON.stringify(event)}: ${parsed.error.issues[0]?.message}`);
  const answer = await checkSlaClock(parsed.data, ports);
  logger.info('sla clock', {
    ticketId: parsed.data.ticketId,
    execution: parsed.data.execution,
    action: answer.action,
    waitUntil: answer.waitUntil,
    announced: answer.entries.map((e) => e.DetailType),
    ...(answer.reason ? { reason: answer.reason } : {}),
  });
  return answer;
};
