import { AccountDirectory } from './account-directory';
import { documentClient } from './clients';
import { systemClock } from './clock';
import { requiredEnv } from './env';
import { MetricStore } from './metric-store';
import { TicketRepository } from './ticket-repository';

/*
 * The port families that need no workflow config, composed like those in ports.ts but apart from them:
 * the config is parsed when its module loads, and the functions that only read a store should not pay for
 * that at cold start.
 */

/** The ticket store, the account directory and the clock. */
export function storePorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    tickets: new TicketRepository(documentClient(), tableName),
    accounts: new AccountDirectory(documentClient(), tableName),
    clock: systemClock,
  };
}

/** Store ports plus the flow-metric aggregates. */
export function metricPorts() {
  return { ...storePorts(), metrics: new MetricStore(documentClient(), requiredEnv('TABLE_NAME')) };
}
