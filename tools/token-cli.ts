/**
 * `npm run -s token -- <email>`: prints a JWT for a seeded dev user, accepted by `npm start`'s API.
 * It asks the running runtime (`POST /local/auth/token` on 127.0.0.1:$PORT), so the token is signed with
 * the key that runtime verifies with whatever its DATA_DIR; only when no runtime answers and DATA_DIR is
 * set explicitly does it sign offline with the key under that DATA_DIR.
 */
import { loadDevIssuer } from '../infra/local/dev-issuer';
import { devUsers } from '../infra/local/dev-users';
import { localSettings } from '../infra/local/settings';

const seeded = () => devUsers.map((u) => u.email).join(', ');

/** The token, or the sentence that says why there is none; undefined when nothing listens on `url`. */
async function askRuntime(
  url: string,
  email: string,
): Promise<{ token: string } | { error: string } | undefined> {
  let res: Response;
  try {
    res = await fetch(`${url}/local/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
  } catch {
    return undefined;
  }
  const body = (await res.json().catch(() => ({}))) as { token?: unknown; message?: unknown };
  if (res.ok && typeof body.token === 'string') return { token: body.token };
  if (res.status === 404 && typeof body.message === 'string') return { error: body.message };
  return { error: `${url} answered ${res.status} to POST /local/auth/token: is it a Frontdoor runtime?` };
}

async function main(email: string): Promise<number> {
  const url = `http://127.0.0.1:${localSettings().port}`;
  const answer = await askRuntime(url, email);
  if (answer && 'token' in answer) {
    process.stdout.write(`${answer.token}\n`);
    return 0;
  }
  if (answer) {
    console.error(answer.error);
    return 1;
  }
  console.error(
    `no Frontdoor runtime answers on ${url}: start it with npm start (same PORT), or set DATA_DIR to the runtime's data directory to mint offline`,
  );
  if (!process.env.DATA_DIR) return 1;
  const issuer = await loadDevIssuer(localSettings().dataDir);
  process.stdout.write(`${await issuer.tokenFor(email)}\n`);
  return 0;
}

const email = process.argv[2];
if (!email) {
  console.error(`usage: npm run -s token -- <email>\nseeded users: ${seeded()}`);
  process.exit(2);
}
main(email).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
