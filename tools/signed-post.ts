import { localWebhookSecret } from '../infra/local/settings';
import { signWebhook } from '../shared/http/webhook-signature';

/**
 * Posts `body` as a webhook sender must — signed with `source`'s local secret (HMAC-SHA256 over
 * "<timestamp>.<raw body>") — prints the answer, and exits 0 on a 2xx, 1 otherwise.
 */
export async function postSignedAndExit(
  url: string,
  source: string,
  body: string | NonSharedBuffer,
): Promise<never> {
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-frontdoor-timestamp': String(timestamp),
      'x-frontdoor-signature': signWebhook(localWebhookSecret(source), timestamp, body),
    },
    body,
  });
  // One line, as the README shows it: `HTTP 202 {"ticketId":…}`.
  console.log(`HTTP ${res.status} ${await res.text()}`);
  process.exit(res.ok ? 0 : 1);
}
