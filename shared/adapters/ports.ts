import { workflowConfig } from '../config/workflow';
import type { WhatIfPorts } from '../use-cases/ports';
import { ApprovalStore } from './approval-store';
import { documentClient, eventBridgeClient, schedulerService, stepFunctionsClient } from './clients';
import { requiredEnv } from './env';
import { EventBridgeExternalPublisher } from './external-event-publisher';
import { IncidentRegistry } from './incident-registry';
import { IntegrationLedger } from './integration-ledger';
import { MacroUsage } from './macro-usage';
import { S3ObjectEraser, s3Client } from './object-store';
import { DynamoPersonalData } from './personal-data';
import { RelatedTickets } from './related-tickets';
import { storePorts } from './store-ports';
import { StepFunctionsTaskCallback } from './task-callback';
import { TicketRepository } from './ticket-repository';
import { WakeUpStore } from './wake-up-store';
import { EventBridgeWakeUps } from './wake-ups';

/*
 * The one way handlers get their ports: each function composes the adapters of one port family (the
 * interfaces in shared/use-cases/ports) at module scope, once per execution environment, from the
 * environment its function construct gives it. Events are written with the changes that make them (the
 * outbox) and put on the bus by `publish-events`, so most families have no publisher. The families here
 * carry the workflow config; those without it are in store-ports.ts and bus-ports.ts, and the mail
 * families in mail-ports.ts (SES) and inbound-mail-ports.ts (S3, the MIME parser), so that no function
 * bundles or parses what it does not use.
 */

/** Tickets, accounts, clock, the open incidents (intake links to them) and the workflow config: what most use cases take. */
export function ticketPorts() {
  return {
    ...storePorts(),
    incidents: new IncidentRegistry(documentClient(), requiredEnv('TABLE_NAME')),
    config: workflowConfig,
  };
}

/** Ticket ports plus the approval store: what reads approvals (a ticket's, an approver's queue). */
export function approvalPorts() {
  return {
    ...ticketPorts(),
    approvals: new ApprovalStore(documentClient(), requiredEnv('TABLE_NAME')),
  };
}

/**
 * Approval ports plus the task-token callback into the approval workflow: what a decision reaches. Apart
 * from `approvalPorts` so that the functions that only read approvals do not bundle Step Functions.
 */
export function approvalDecisionPorts() {
  return { ...approvalPorts(), callback: new StepFunctionsTaskCallback(stepFunctionsClient()) };
}

/** Decision ports plus the bus the workflow's announcements go to (the workflow puts them itself). */
export function approvalLookPorts() {
  return { ...approvalDecisionPorts(), busName: requiredEnv('EVENT_BUS_NAME') };
}

/** Ticket ports plus what the integration rules read and record: related open tickets and the ledger. */
export function integrationPorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    ...ticketPorts(),
    related: new RelatedTickets(documentClient(), tableName),
    ledger: new IntegrationLedger(documentClient(), tableName),
  };
}

/** Ticket ports plus the macros' usage counter. */
export function macroPorts() {
  return { ...ticketPorts(), usage: new MacroUsage(documentClient(), requiredEnv('TABLE_NAME')) };
}

/**
 * Ticket ports plus the ticket clock's wake-ups (the recorded one and its schedule), and what retention
 * purges with (the ticket's records, the mail bucket's files).
 */
export function ticketClockPorts() {
  return {
    ...ticketPorts(),
    personalData: new DynamoPersonalData(documentClient(), requiredEnv('TABLE_NAME')),
    objects: new S3ObjectEraser(s3Client(), requiredEnv('MAIL_BUCKET')),
    store: new WakeUpStore(documentClient(), requiredEnv('TABLE_NAME')),
    wakeUps: new EventBridgeWakeUps(schedulerService(), {
      group: requiredEnv('SCHEDULE_GROUP'),
      queueArn: requiredEnv('TICKET_CLOCK_QUEUE_ARN'),
      roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
      deadLetterArn: requiredEnv('TICKET_CLOCK_DLQ_ARN'),
    }),
  };
}

/** External events onto the bus as their systems would put them, and the sources allowed to report them. */
export function externalEventPorts() {
  return {
    publisher: new EventBridgeExternalPublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')),
    config: workflowConfig,
  };
}

/** What a what-if replay reads (`npm run what-if`, issue 20): the table's tickets, by Query only. */
export function whatIfPorts(): WhatIfPorts {
  return { tickets: new TicketRepository(documentClient(), requiredEnv('TABLE_NAME')) };
}
