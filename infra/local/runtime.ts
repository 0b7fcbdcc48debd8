/**
 * `startLocalRuntime`: Frontdoor on this machine — DynamoDB Local, the table, the dev token issuer, every
 * function of the topology behind an API Gateway-shaped HTTP server, the in-process event bus, queues,
 * scheduler and Step Functions. Start-up and shutdown live in lifecycle.ts, the server in local-server.ts,
 * the runtime's own endpoints in local-routes.ts.
 */
import type { LocalEventBus } from './event-bus';
import { type RuntimeServices, startServices, stopServices } from './lifecycle';
import { createLocalServer } from './local-server';
import type { LocalSettings } from './settings';
import type { LocalStepFunctions } from './step-functions';
import type { VirtualClock } from './virtual-clock';

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly bus: LocalEventBus;
  readonly webhookSecrets: Readonly<Record<string, string>>;
  readonly smtpPort: number;
  /** The workflow clock every handler reads (controllable at `/local/clock`). */
  readonly clock: VirtualClock;
  readonly stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

/** Starts every service, then listens once the agent UI is ready; `stop()` may be called more than once. */
export async function startLocalRuntime(
  settings: LocalSettings,
  log: (line: string) => void = (l) => console.log(l),
): Promise<LocalRuntime> {
  const services: RuntimeServices = await startServices(settings, log);
  const server = createLocalServer(services);
  try {
    await services.agentUi;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(settings.port, settings.host, () => ok());
    });
  } catch (e: unknown) {
    await services.dynamo.stop();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: services.url,
    dynamoEndpoint: services.dynamo.endpoint,
    bus: services.bus,
    webhookSecrets: services.webhookSecrets,
    smtpPort: services.smtp.port,
    clock: services.clock,
    stepFunctions: services.stepFunctions,
    stop: () => {
      stopping ??= stopServices(services, server);
      return stopping;
    },
  };
}
