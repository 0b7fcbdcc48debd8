import { readFileSync } from 'node:fs';
import { localSettings } from '../infra/local/settings';
import { postSignedAndExit } from './signed-post';

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
const url = `http://127.0.0.1:${localSettings().port}/v1/webhooks/${encodeURIComponent(source)}`;
try {
  await postSignedAndExit(url, source, body);
} catch (e: unknown) {
  console.error(
    `could not reach ${url} (is npm start running?): ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}
