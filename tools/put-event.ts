import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/dynamodb-local';
import { localSettings } from '../infra/local/settings';
import { postSignedAndExit } from './signed-post';

/**
 * `npm run -s put-event -- <type> '<json detail>' [--via <source>]`: an external event as another system
 * would report it to the running local runtime — put on the bus directly (EventBridge PutEvents, source =
 * the type's system), or with `--via` posted signed to `POST /v1/events/<source>`.
 * Example: npm run -s put-event -- billing.subscription_cancelled '{"accountId":"acct-smallshop",
 *   "subscriptionId":"sub-1","cancelledAt":"2026-01-05T10:00:00Z","contact":{"email":"owner@smallshop.example"}}'
 */
const args = process.argv.slice(2);
const viaAt = args.indexOf('--via');
const via = viaAt >= 0 ? args[viaAt + 1] : undefined;
const [type, detailText] = viaAt >= 0 ? args.filter((_, i) => i !== viaAt && i !== viaAt + 1) : args;
if (!type || !detailText || (viaAt >= 0 && !via)) {
  console.error("usage: npm run -s put-event -- <type> '<json detail>' [--via <webhook source>]");
  process.exit(2);
}
let detail: unknown;
try {
  detail = JSON.parse(detailText);
} catch (e: unknown) {
  console.error(`the detail is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

const settings = localSettings();
const url = `http://127.0.0.1:${settings.port}`;
try {
  if (via) {
    await postSignedAndExit(
      `${url}/v1/events/${encodeURIComponent(via)}`,
      via,
      JSON.stringify({ type, detail }),
    );
  }
  const bus = new EventBridgeClient({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: settings.busName,
          Source: type.split('.')[0],
          DetailType: type,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  console.log(JSON.stringify({ eventId: out.Entries?.[0]?.EventId, failed: out.FailedEntryCount ?? 0 }));
  console.log(
    `The integration rules run on it shortly; see ${url}/local/events and ${url}/local/outbox.html`,
  );
} catch (e: unknown) {
  console.error(
    `could not reach ${url} (is npm start running?): ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}
