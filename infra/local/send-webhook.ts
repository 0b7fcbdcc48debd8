import { readFileSync } from 'node:fs';
import { signWebhook } from '../../shared/http/webhook-signature';
import { localSettings, localWebhookSecret } from './settings';

/**
 * `npm run -s webhook -- <source> <payload.json|->`: signs a payload the way a webhook sender must
 * (HMAC-SHA256 over "<timestamp>.<raw body>") and posts it to the running local runtime.
 */
const [source, file] = process.argv.slice(2);
if (!source || !file) {
  console.error('usage: npm run -s webhook -- <source> <payload.json | - for stdin>');
  process.exit(2);
}
const body = readFileSync(file === '-' ? 0 : file);
const timestamp = Math.floor(Date.now() / 1000);
const url = `http://127.0.0.1:${localSettings().port}/v1/webhooks/${encodeURIComponent(source)}`;
try {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-frontdoor-timestamp': String(timestamp),
      'x-frontdoor-signature': signWebhook(localWebhookSecret(source), timestamp, body),
    },
    body,
  });
  console.log(`HTTP ${res.status}`);
  console.log(await res.text());
  process.exit(res.ok ? 0 : 1);
} catch (e: unknown) {
  console.error(
    `could not reach ${url} (is npm start running?): ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}
