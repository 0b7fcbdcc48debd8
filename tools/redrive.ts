import { SQSClient } from '@aws-sdk/client-sqs';
import { localSettings } from '../infra/local/settings';
import { parseRedriveArgs } from './redrive/args';
import { redriveInAws } from './redrive/aws';
import { redriveLocally } from './redrive/local';

/**
 * `npm run redrive -- <queue> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]`: a queue's dead
 * letters back onto the queue, in AWS (SQS StartMessageMoveTask from its DLQ; `--aws`, or AWS_REGION set)
 * or against `npm start` (`POST /local/redrive`). `--dry-run` shows each dead letter — id, receive count,
 * what it was, why it failed when known — and moves nothing. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
const request = parseRedriveArgs(process.argv.slice(2), process.env);
if ('error' in request) {
  console.error(request.error);
  process.exit(2);
}

const print = (line: string) => console.log(line);
const local = `http://127.0.0.1:${localSettings().port}`;
try {
  if (request.target === 'aws') await redriveInAws(request, { sqs: new SQSClient({}), print });
  else await redriveLocally(request, local, print);
} catch (e: unknown) {
  const reason = e instanceof Error ? e.message : String(e);
  console.error(
    request.target === 'aws'
      ? `redrive failed in AWS (stage ${request.stage}): ${reason}`
      : `redrive failed against ${local} (is npm start running?): ${reason}`,
  );
  process.exit(1);
}
