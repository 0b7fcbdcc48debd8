import { ApprovalWorkflowStarter } from './approval-workflow';
import { eventBridgeClient, stepFunctionsClient } from './clients';
import { requiredEnv } from './env';
import { EventBridgePublisher } from './event-publisher';

// The port families of the functions that only hand work on (the outbox to the bus, an approval to its
// workflow), composed like those in ports.ts but apart from them: no store, no schema, no config to load.

/** The Frontdoor bus, for the events the outbox hands over. */
export function outboxPorts() {
  return { events: new EventBridgePublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')) };
}

/** The approval workflow (Step Functions), started once per approval. */
export function approvalWorkflowPorts() {
  return {
    workflows: new ApprovalWorkflowStarter(stepFunctionsClient(), requiredEnv('APPROVAL_WORKFLOW_ARN')),
  };
}
