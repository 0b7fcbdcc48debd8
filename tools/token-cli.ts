import { loadDevIssuer } from '../infra/local/dev-issuer';
import { devUsers } from '../infra/local/dev-users';
import { localSettings } from '../infra/local/settings';

/** `npm run -s token -- <email>`: prints a JWT for a seeded dev user, accepted by `npm start`'s API. */
const email = process.argv[2];
if (!email) {
  console.error(
    `usage: npm run -s token -- <email>\nseeded users: ${devUsers.map((u) => u.email).join(', ')}`,
  );
  process.exit(2);
}
try {
  const issuer = await loadDevIssuer(localSettings().dataDir);
  process.stdout.write(`${await issuer.tokenFor(email)}\n`);
} catch (e: unknown) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
