import { useLocalEnvironment } from '../infra/local/local-environment';
import { localSettings, ownUrl } from '../infra/local/settings';

/**
 * For a tool that works on `npm start`'s data (intent:train, what-if): checks the runtime answers at `url`
 * (default: this machine's PORT), points the adapters at its DynamoDB Local and object store as the
 * functions see them, and returns the workflow clock's now.
 */
export async function useLocalRuntime(url?: string): Promise<Date> {
  const settings = localSettings();
  const base = url ?? ownUrl(settings.host, settings.port);
  const answer = await fetch(`${base}/local/clock`).catch(() => undefined);
  if (!answer?.ok) throw new Error(`no Frontdoor runtime answers on ${base}: start it with npm start`);
  const { now } = (await answer.json()) as { now: string };
  useLocalEnvironment(settings, {
    url: base,
    dynamoEndpoint: `http://127.0.0.1:${settings.dynamoPort}`,
    webhookSources: [],
  });
  return new Date(now);
}
