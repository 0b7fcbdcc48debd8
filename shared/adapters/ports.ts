import { workflowConfig } from '../config';
import { AccountDirectory } from './account-directory';
import { ApprovalStore } from './approval-store';
import { documentClient, stepFunctionsClient } from './clients';
import { systemClock } from './clock';
import { requiredEnv } from './env';
import { StepFunctionsTaskCallback } from './task-callback';
import { TicketRepository } from './ticket-repository';

/**
 * The ports most handlers pass their use case: tickets, accounts, clock and the workflow config. (Events
 * are written with the changes that make them — the outbox — and put on the bus by `publish-events`.)
 */
export function ticketPorts() {
  return {
    tickets: new TicketRepository(documentClient(), requiredEnv('TABLE_NAME')),
    accounts: new AccountDirectory(documentClient(), requiredEnv('TABLE_NAME')),
    clock: systemClock,
    config: workflowConfig,
  };
}

/** Ticket ports plus the approval store and the task-token callback into the approval workflow. */
export function approvalPorts() {
  return {
    ...ticketPorts(),
    approvals: new ApprovalStore(documentClient(), requiredEnv('TABLE_NAME')),
    callback: new StepFunctionsTaskCallback(stepFunctionsClient()),
  };
}
