import type { Approval } from '../domain';
import { scopeOf } from './access';
import type { Caller } from './auth';

/** An approval as the API shows it: everything but the workflow's task token. */
export function publicApproval(approval: Approval): Omit<Approval, 'taskToken'> {
  const { taskToken: _token, ...shown } = approval;
  return shown;
}

/** The approver groups a caller belongs to (`approver-<group>` → `<group>`). */
export function approverGroups(caller: Caller): string[] {
  return [...scopeOf(caller).approverGroups];
}
