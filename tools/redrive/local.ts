import type { RedriveRequest } from './args';
import { deadLetterLine } from './describe';

/**
 * `npm run redrive` against `npm start`: `POST /local/redrive` on the running runtime, which moves the
 * queue's dead letters (kept under DATA_DIR/runtime) back onto it, or lists them in a dry run.
 */
interface LocalRedriveResult {
  readonly moved: number;
  readonly deadLetters: ReadonlyArray<{
    messageId: string;
    receiveCount: number;
    body: string;
    error: string;
  }>;
}

export async function redriveLocally(
  request: RedriveRequest,
  baseUrl: string,
  print: (line: string) => void,
): Promise<void> {
  const res = await fetch(`${baseUrl}/local/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: request.queue, dryRun: request.dryRun }),
  });
  const out = (await res.json()) as LocalRedriveResult & { message?: string };
  if (!res.ok) throw new Error(out.message ?? `the runtime answered ${res.status}`);
  const where = `the ${request.queue} dead letters`;
  if (request.dryRun) {
    for (const d of out.deadLetters.slice(0, request.max)) print(deadLetterLine(d));
    print(`dry run: ${out.deadLetters.length} message(s) in ${where}, none moved`);
  } else {
    print(`moved ${out.moved} message(s) from ${where} to the ${request.queue} queue`);
  }
}
