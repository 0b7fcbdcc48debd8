import type { Approval, ApprovalRefusedError } from '../domain';
import { scopeOf } from './access';
import type { Caller } from './auth';
import { HttpError } from './errors';

/** An approval as the API shows it: everything but the workflow's task token. */
export function publicApproval(approval: Approval): Omit<Approval, 'taskToken'> {
  const { taskToken: _token, ...shown } = approval;
  return shown;
}

/** A refusal as the API answers it: 403 (who may), 409 (the approval's state), 422 (the request); `rule` named. */
export function approvalRefusal(error: ApprovalRefusedError): HttpError {
  const status = error.kind === 'forbidden' ? 403 : error.kind === 'conflict' ? 409 : 422;
  const code =
    error.kind === 'forbidden' ? 'forbidden' : error.kind === 'conflict' ? 'conflict' : 'approval_refused';
  return new HttpError(status, code, error.message, { rule: error.rule });
}

/** The approver groups a caller belongs to (`approver-<group>` → `<group>`). */
export function approverGroups(caller: Caller): string[] {
  return [...scopeOf(caller).approverGroups];
}
