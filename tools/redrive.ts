import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localSettings } from '../infra/local/settings';
import { parseRedriveArgs } from './redrive/args';
import { redriveInAws } from './redrive/aws';
import { redriveLocally } from './redrive/local';

/**
 * `npm run redrive -- <name> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]`: one dead-letter
 * queue's messages (a row of infra/dead-letters.ts: a work queue, its rules, a function's event
 * rules, the inbound-mail function, a stream consumer, the bus) sent back the way they missed, in AWS
 * (`--aws`, or AWS_REGION set) or against `npm start` (`POST /local/redrive`). `--dry-run` shows each dead
 * letter — id, receive count, what it was, why it failed when known — and moves nothing. Exit codes: 0
 * done, 1 failed or some left in the DLQ, 2 bad arguments.
 */
const request = parseRedriveArgs(process.argv.slice(2), process.env);
if ('error' in request) {
  console.error(request.error);
  process.exit(2);
}

const print = (line: string) => console.log(line);
const local = `http://127.0.0.1:${localSettings().port}`;
try {
  const left =
    request.target === 'aws'
      ? await redriveInAws(request, {
          sqs: new SQSClient({}),
          cloudFormation: new CloudFormationClient({}),
          lambda: new LambdaClient({}),
          events: new EventBridgeClient({}),
          streams: new DynamoDBStreamsClient({}),
          print,
        })
      : await redriveLocally(request, local, print);
  if (left > 0) process.exitCode = 1;
} catch (e: unknown) {
  const reason = e instanceof Error ? e.message : String(e);
  console.error(
    request.target === 'aws'
      ? `redrive failed in AWS (stage ${request.stage}): ${reason}`
      : `redrive failed against ${local} (is npm start running?): ${reason}`,
  );
  process.exit(1);
}
