import type { AgentActionRefusedError } from '../domain';
import { HttpError } from './errors';

/** An agent action the domain refused: 403 when it is a question of who may, 422 otherwise; `rule` named. */
export function agentRefusal(error: AgentActionRefusedError): HttpError {
  return error.kind === 'forbidden'
    ? new HttpError(403, 'forbidden', `refused by rule ${error.rule}: ${error.message}`, { rule: error.rule })
    : new HttpError(422, 'action_refused', error.message, {
        rule: error.rule,
        ...(error.issues.length > 0 ? { issues: error.issues } : {}),
      });
}
