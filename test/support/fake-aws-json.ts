import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake JSON service received: its method, path, headers and JSON body. */
export interface ReceivedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** What the fake answers: a status, its JSON and (for errors) the `x-amzn-ErrorType` header. */
export interface FakeAnswer {
  readonly status?: number;
  readonly json?: unknown;
  readonly errorType?: string;
}

/**
 * An AWS JSON service on 127.0.0.1 for the adapters of shared/adapters/aws-json.ts to call over real HTTP
 * (point `AWS_ENDPOINT_URL_<SERVICE>` at `url`): records every call and answers with `answer(call)`.
 * Refuses a request that is not SigV4-signed, as AWS would.
 */
export async function fakeAwsJsonService(
  answer: (call: ReceivedCall) => FakeAnswer = () => ({ json: {} }),
): Promise<{
  url: string;
  calls: ReceivedCall[];
  answerWith: (next: typeof answer) => void;
  close: () => Promise<void>;
}> {
  const calls: ReceivedCall[] = [];
  let respond = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : {},
      };
      calls.push(call);
      const signed = /^AWS4-HMAC-SHA256 Credential=\S+, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/.test(
        req.headers.authorization ?? '',
      );
      const out = signed ? respond(call) : { status: 403, errorType: 'MissingAuthenticationTokenException' };
      res.writeHead(out.status ?? 200, {
        'content-type': 'application/json',
        ...(out.errorType ? { 'x-amzn-errortype': out.errorType } : {}),
      });
      res.end(JSON.stringify(out.json ?? (out.errorType ? { message: `fake ${out.errorType}` } : {})));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    answerWith: (next) => {
      respond = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
