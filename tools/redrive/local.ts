import { noLocalEquivalent } from '../../infra/dead-letters';
import type { LocalRedriveResult } from '../../infra/local/redrive';
import type { RedriveRequest } from './args';
import { deadLetterLine } from './describe';

/**
 * `npm run redrive` against `npm start`: `POST /local/redrive` on the running runtime, which redelivers the
 * dead letters it keeps for that name (under DATA_DIR/runtime) to the same consumer, or lists them in a
 * dry run. A name the local runtime has nothing like is answered in one sentence, without a request.
 * Answers how many dead letters were left where they were.
 */
export async function redriveLocally(
  request: RedriveRequest,
  baseUrl: string,
  print: (line: string) => void,
): Promise<number> {
  const { name } = request.deadLetters;
  const none = noLocalEquivalent(request.deadLetters);
  if (none) {
    print(none);
    return 0;
  }
  const res = await fetch(`${baseUrl}/local/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: name, dryRun: request.dryRun }),
  });
  const out = (await res.json()) as LocalRedriveResult & { message?: string };
  if (!res.ok) throw new Error(out.message ?? `the runtime answered ${res.status}`);
  const where = `the ${name} dead letters`;
  if (request.dryRun) {
    for (const d of out.deadLetters.slice(0, request.max)) print(deadLetterLine(d));
    print(`dry run: ${out.deadLetters.length} message(s) in ${where}, none moved`);
    return 0;
  }
  for (const l of out.left) print(`${l.id}: left in ${where}: ${l.reason}`);
  print(`moved ${out.moved} message(s) from ${where} back to their consumer`);
  return out.left.length;
}
