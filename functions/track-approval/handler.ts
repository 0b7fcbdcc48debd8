import { logger } from '../../shared/adapters/logger';
import { approvalLookPorts } from '../../shared/adapters/ports';
import { TicketId } from '../../shared/domain';
import * as z from '../../shared/domain/zod';
import { keepTaskToken, type PlanAnswer, planApproval } from '../../shared/use-cases/approvals';

const ports = approvalLookPorts();

const Input = z.discriminatedUnion('step', [
  z.object({ step: z.literal('plan'), ticketId: TicketId, approvalId: TicketId }),
  z.object({
    step: z.literal('await'),
    ticketId: TicketId,
    approvalId: TicketId,
    taskToken: z.string().check(z.minLength(1), z.maxLength(1024)),
  }),
]);

/**
 * The approval workflow's two Task states (`infra/workflows/approval.asl.json`):
 * `plan` (Look, `lambda:invoke`) → `{ action, timeoutSeconds, entries, state }`;
 * `await` (AwaitDecision, `lambda:invoke.waitForTaskToken`) keeps the token on the approval (its result is
 * ignored by Step Functions; the decision comes back through SendTaskSuccess).
 */
export const handler = async (event: unknown): Promise<PlanAnswer | { state: string }> => {
  const parsed = Input.safeParse(event);
  // A malformed input is a bug in the state machine, not a transient error: fail loudly.
  if (!parsed.success)
    throw new Error(`track-approval got ${JSON.stringify(event)}: ${parsed.error.issues[0]?.message}`);
  const input = parsed.data;
  if (input.step === 'await') {
    const kept = await keepTaskToken(input, ports);
    logger.info('approval awaits its decision', { approvalId: input.approvalId, state: kept.state });
    return kept;
  }
  const answer = await planApproval(input, ports);
  logger.info('approval look', {
    approvalId: input.approvalId,
    action: answer.action,
    state: answer.state,
    timeoutSeconds: answer.timeoutSeconds,
    announced: answer.entries.map((e) => e.DetailType),
  });
  return answer;
};
