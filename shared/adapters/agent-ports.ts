import { AgentRoster } from './agent-roster';
import { documentClient } from './clients';
import { requiredEnv } from './env';
import { ticketPorts } from './ports';

/*
 * The port family of automatic assignment (issue 17), composed like those in ports.ts: the ticket ports
 * plus the agent roster (profiles and the open tickets each agent holds).
 */
export function agentPorts() {
  return { ...ticketPorts(), agents: new AgentRoster(documentClient(), requiredEnv('TABLE_NAME')) };
}
