import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions, StepFunctionsError } from '../../infra/local/step-functions';
import { VirtualClock } from '../../infra/local/virtual-clock';
import type { StateMachineSpec } from '../../shared/topology';

const ROOT = resolve(import.meta.dirname, '../..');
const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

const spec = (name: string, definition: string): StateMachineSpec => ({
  name,
  description: 'test',
  definition,
  substitutions: { TrackApprovalFunctionArn: { function: 'track-approval' } },
  grants: [],
  arnRef: 'stateMachine.approval',
});
/** One callback task (AwaitDecision) with TimeoutSecondsPath/HeartbeatSecondsPath, Retry and Catch. */
const awaitSpec = spec('await-decision', 'test/local/fixtures/task-token.asl.json');
/** The same kind of task inside a Map, caught by States.TaskFailed or else States.ALL. */
const mapSpec = spec('await-items', 'test/local/fixtures/task-token-map.asl.json');
const arnOf = (s: StateMachineSpec) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${s.name}`;

interface Call {
  readonly fnName: string;
  readonly payload: Record<string, unknown>;
}

function harness(
  dataDir: string,
  options: { clock?: VirtualClock; specs?: readonly StateMachineSpec[]; root?: string } = {},
) {
  const clock = options.clock ?? new VirtualClock({ start: START });
  const calls: Call[] = [];
  /** What the function does when invoked; by default it returns something the task must ignore. */
  let behaviour: (payload: Record<string, unknown>) => unknown = () => ({ ignored: true });
  const sfn = new LocalStepFunctions({
    specs: options.specs ?? [awaitSpec, mapSpec],
    root: options.root ?? ROOT,
    region: REGION,
    accountId: ACCOUNT,
    dataDir,
    clock,
    invokeFunction: async (fnName, payload) => {
      const p = payload as Record<string, unknown>;
      calls.push({ fnName, payload: p });
      return behaviour(p);
    },
    putEvents: () => {},
    log: () => {},
  });
  const tokens = () => calls.map((c) => String(c.payload.taskToken));
  return {
    sfn,
    clock,
    calls,
    tokens,
    behave: (b: typeof behaviour) => {
      behaviour = b;
    },
  };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets every callback already due run (a clock jump's wake-ups, their continuations): event-loop turns, not time. */
const turns = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
/** Waits, on signals only, until whatever a clock jump woke has run and every execution is asleep or done. */
const settle = async (sfn: LocalStepFunctions) => {
  await turns();
  await sfn.drain();
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof StepFunctionsError) return error.code;
    throw error;
  }
  return undefined;
}

const input = (timeoutSeconds = 3600, heartbeatSeconds = 600) =>
  JSON.stringify({ ticketId: 'T-1', plan: { timeoutSeconds, heartbeatSeconds } });

describe('LocalStepFunctions task tokens (lambda:invoke.waitForTaskToken)', () => {
  let dataDir: string;
  const running: LocalStepFunctions[] = [];
  const track = <T extends { sfn: LocalStepFunctions }>(h: T): T => {
    running.push(h.sfn);
    return h;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-sfn-token-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sfn) => sfn.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts AwaitDecision and resolves with its execution ARN once the function has been given a token. */
  async function startAwait(h: ReturnType<typeof harness>, name: string, given = input()) {
    const before = h.calls.length;
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: arnOf(awaitSpec), name, input: given });
    await eventually(() => h.calls.length > before, 'the function to be invoked');
    return { executionArn, token: h.tokens()[before] ?? '' };
  }
  const statusOf = (h: { sfn: LocalStepFunctions }, arn: string) => h.sfn.describeExecution(arn).status;
  const outputOf = (h: { sfn: LocalStepFunctions }, arn: string) =>
    JSON.parse(h.sfn.describeExecution(arn).output ?? 'null');

  it('gives the function a fresh token wherever the Parameters ask for it, and puts the success output in ResultPath', async () => {
    const h = track(harness(dataDir));
    const first = await startAwait(h, 'E-1');
    const second = await startAwait(h, 'E-2');

    expect(h.calls[0]).toEqual({
      fnName: 'track-approval',
      payload: {
        step: 'await',
        ticketId: 'T-1',
        taskToken: first.token,
        nested: { copies: [{ token: first.token }] },
      },
    });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(second.token).not.toBe(first.token);

    // The function's own result is ignored: the task waits for its token.
    await settle(h.sfn);
    expect(statusOf(h, first.executionArn)).toBe('RUNNING');

    h.sfn.sendTaskSuccess(first.token, JSON.stringify({ approved: true, by: 'agent-7' }));
    await eventually(() => statusOf(h, first.executionArn) === 'SUCCEEDED', 'success');
    expect(outputOf(h, first.executionArn)).toEqual({
      ticketId: 'T-1',
      plan: { timeoutSeconds: 3600, heartbeatSeconds: 600 },
      decision: { approved: true, by: 'agent-7' },
    });
    // AwaitDecision and Done: the waiting task is one state entered.
    expect(h.sfn.transitions(first.executionArn)).toBe(2);
    // The other execution's token is its own.
    expect(statusOf(h, second.executionArn)).toBe('RUNNING');
  });

  it('completes a token at most once: a second completion, failure or heartbeat is TaskTimedOut', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-3');
    h.sfn.sendTaskSuccess(token, '"yes"');
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '"again"'))).toBe('TaskTimedOut');
    expect(codeOf(() => h.sfn.sendTaskFailure(token, 'Approval.Rejected'))).toBe('TaskTimedOut');
    expect(codeOf(() => h.sfn.sendTaskHeartbeat(token))).toBe('TaskTimedOut');
    await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'success');
    expect(outputOf(h, executionArn).decision).toBe('yes');
  });

  it('answers InvalidToken for tokens it never issued, and InvalidOutput for output that is not JSON', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-4');
    expect(codeOf(() => h.sfn.sendTaskSuccess('not-a-token', '{}'))).toBe('InvalidToken');
    expect(codeOf(() => h.sfn.sendTaskHeartbeat(`${token}x`))).toBe('InvalidToken');
    // Shaped like ours, but naming no execution this runtime has.
    const forged = Buffer.from(
      JSON.stringify({ v: 1, x: `${executionArn}-nope`, r: 'guess' }),
      'utf8',
    ).toString('base64url');
    expect(codeOf(() => h.sfn.sendTaskFailure(forged))).toBe('InvalidToken');

    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '{not json'))).toBe('InvalidOutput');
    // The task is still waiting: a valid answer is taken.
    h.sfn.sendTaskSuccess(token, '{"ok":1}');
    await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'success');
  });

  it('fails the task with the error and cause given, which the Catch on that name catches', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-5');
    h.sfn.sendTaskFailure(token, 'Approval.Rejected', 'agent-7 said no');
    await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'the catch to end the run');
    expect(outputOf(h, executionArn).rejected).toEqual({
      Error: 'Approval.Rejected',
      Cause: 'agent-7 said no',
    });
    expect(outputOf(h, executionArn).decision).toBeUndefined();
  });

  it('fails the execution with an uncaught error name, States.TaskFailed when none is given', async () => {
    const h = track(harness(dataDir));
    const named = await startAwait(h, 'E-6');
    const unnamed = await startAwait(h, 'E-7');
    h.sfn.sendTaskFailure(named.token, 'Approval.Broken', 'no such approver');
    h.sfn.sendTaskFailure(unnamed.token);
    await eventually(
      () => statusOf(h, named.executionArn) === 'FAILED' && statusOf(h, unnamed.executionArn) === 'FAILED',
      'both failures',
    );
    expect(h.sfn.describeExecution(named.executionArn)).toMatchObject({
      error: 'Approval.Broken',
      cause: 'no such approver',
    });
    expect(h.sfn.describeExecution(unnamed.executionArn).error).toBe('States.TaskFailed');
  });

  it('retries on a matching failure with a fresh token; the old one is closed', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-8');
    h.sfn.sendTaskFailure(token, 'Approval.TryAgain');
    await eventually(() => h.calls.length === 2, 'the retry to invoke the function again');
    const retried = h.tokens()[1] ?? '';
    expect(retried).not.toBe(token);
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '1'))).toBe('TaskTimedOut');
    h.sfn.sendTaskSuccess(retried, '2');
    await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'success');
    expect(outputOf(h, executionArn).decision).toBe(2);
    // AwaitDecision, its retry, Done.
    expect(h.sfn.transitions(executionArn)).toBe(3);
  });

  it('fails the task with the function error, without waiting for the token', async () => {
    const h = track(harness(dataDir));
    h.behave(() => {
      throw Object.assign(new Error('tracker down'), { name: 'Lambda.Unknown' });
    });
    const { executionArn, token } = await startAwait(h, 'E-9');
    await eventually(() => statusOf(h, executionArn) === 'FAILED', 'the failure');
    expect(h.sfn.describeExecution(executionArn)).toMatchObject({
      error: 'Lambda.Unknown',
      cause: 'tracker down',
    });
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');
  });

  it('times out on the virtual clock (TimeoutSecondsPath): a jump past the deadline fires States.Timeout at once', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-10', input(2 * 3600, 3 * 3600));
    await h.sfn.drain();

    h.clock.advance(2 * HOUR - 60_000);
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).toBe('RUNNING');

    // At once: the run has ended by the time the jump's wake-ups have run, with no more time passing.
    h.clock.advance(60_000);
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).not.toBe('RUNNING');
    const output = outputOf(h, executionArn);
    expect(output.timedOut).toMatchObject({ Error: 'States.Timeout' });
    expect(output.decision).toBeUndefined();
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');
    expect(h.clock.pendingSleepers).toBe(0);
  });

  it('answers TaskTimedOut for a task whose deadline has passed even before its timer has woken', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-11', input(60, 600));
    h.clock.advance(60_000);
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');
    await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'the caught timeout');
    expect(outputOf(h, executionArn).timedOut).toMatchObject({ Error: 'States.Timeout' });
  });

  it('fails with States.HeartbeatTimeout when no heartbeat comes within HeartbeatSeconds', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-12', input(3600, 60));
    h.clock.advance(59_000);
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).toBe('RUNNING');
    h.clock.advance(1_000);
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).not.toBe('RUNNING');
    expect(outputOf(h, executionArn).noHeartbeat).toMatchObject({ Error: 'States.HeartbeatTimeout' });
    expect(codeOf(() => h.sfn.sendTaskHeartbeat(token))).toBe('TaskTimedOut');
  });

  it('restarts the heartbeat window on SendTaskHeartbeat, but never past TimeoutSeconds', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-13', input(150, 60));
    h.clock.advance(50_000);
    h.sfn.sendTaskHeartbeat(token);
    h.clock.advance(50_000); // 100 s in: past the first heartbeat window, within the second.
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).toBe('RUNNING');
    h.sfn.sendTaskHeartbeat(token);
    h.clock.advance(50_000); // 150 s in: the task's own timeout, though the heartbeat is not yet due.
    await settle(h.sfn);
    expect(statusOf(h, executionArn)).not.toBe('RUNNING');
    expect(outputOf(h, executionArn).timedOut).toMatchObject({ Error: 'States.Timeout' });
  });

  it('counts a task waiting for its token as asleep for drain, and busy again once answered', async () => {
    const h = track(harness(dataDir));
    let release: (() => void) | undefined;
    h.behave(
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    const { executionArn, token } = await startAwait(h, 'E-14');
    // While the function runs, the execution is busy.
    let drained = false;
    void h.sfn.drain().then(() => {
      drained = true;
    });
    await turns();
    expect(drained).toBe(false);
    release?.();
    await eventually(() => drained, 'the drain while waiting for the token');
    expect(statusOf(h, executionArn)).toBe('RUNNING');

    h.sfn.sendTaskSuccess(token, '{}');
    // Busy again at once: a drain now waits for the run to move on.
    await h.sfn.drain();
    expect(statusOf(h, executionArn)).toBe('SUCCEEDED');
  });

  it('StopExecution ends the wait; the token is closed', async () => {
    const h = track(harness(dataDir));
    const { executionArn, token } = await startAwait(h, 'E-15');
    await h.sfn.drain();
    expect(h.clock.pendingSleepers).toBe(1);
    h.sfn.stopExecution({ executionArn, error: 'Ops', cause: 'not needed' });
    await eventually(() => h.clock.pendingSleepers === 0, 'the wait to end');
    expect(codeOf(() => h.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');
    await h.sfn.drain();
    expect(h.sfn.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Ops' });
  });

  it('after a restart, re-runs the waiting execution with a fresh token; the old one is TaskTimedOut', async () => {
    const first = track(harness(dataDir));
    const { executionArn, token } = await startAwait(first, 'E-16');
    await first.sfn.drain();
    await first.sfn.stop();
    expect(codeOf(() => first.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');

    const second = track(harness(dataDir));
    await eventually(() => second.calls.length === 1, 'the re-run to reach AwaitDecision');
    const fresh = second.tokens()[0] ?? '';
    expect(fresh).not.toBe(token);
    expect(codeOf(() => second.sfn.sendTaskSuccess(token, '{}'))).toBe('TaskTimedOut');
    second.sfn.sendTaskSuccess(fresh, '"approved"');
    await eventually(() => statusOf(second, executionArn) === 'SUCCEEDED', 'success');
    expect(outputOf(second, executionArn).decision).toBe('approved');
    // One AwaitDecision before the restart; AwaitDecision and Done after it.
    expect(second.sfn.transitions(executionArn)).toBe(3);
  });

  it('serves tasks nested in a Map; States.TaskFailed does not match the timeout, States.ALL does', async () => {
    const h = track(harness(dataDir));
    const { executionArn } = h.sfn.startExecution({
      stateMachineArn: arnOf(mapSpec),
      name: 'E-17',
      input: JSON.stringify({ items: ['a', 'b', 'c'] }),
    });
    await eventually(() => h.calls.length === 3, 'a token per item');
    const tokenOf = (item: string) =>
      String(h.calls.find((c) => c.payload.item === item)?.payload.taskToken ?? '');
    expect(new Set(['a', 'b', 'c'].map(tokenOf)).size).toBe(3);

    h.sfn.sendTaskSuccess(tokenOf('a'), '{"ok":"a"}');
    h.sfn.sendTaskFailure(tokenOf('b'), 'Item.Refused');
    await settle(h.sfn);
    h.clock.advance(60_000);
    await eventually(() => statusOf(h, executionArn) !== 'RUNNING', 'the map to end');
    expect(outputOf(h, executionArn)).toEqual([{ ok: 'a' }, 'States.TaskFailed', 'States.ALL']);
  });

  it('closes the token of a task left waiting when its execution fails elsewhere (a Parallel branch)', async () => {
    const awaitBranch = {
      StartAt: 'AwaitBranch',
      States: {
        AwaitBranch: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution placeholder, not a template
            FunctionName: '${TrackApprovalFunctionArn}',
            Payload: { 'taskToken.$': '$$.Task.Token' },
          },
          End: true,
        },
      },
    };
    // The failing branch fails once the clock is moved on, when the other is waiting on its token.
    const failingBranch = {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 60, Next: 'Boom' },
        Boom: { Type: 'Fail', Error: 'Branch.Failed', Cause: 'the other branch' },
      },
    };
    writeFileSync(
      join(dataDir, 'parallel.asl.json'),
      JSON.stringify({
        StartAt: 'Both',
        States: { Both: { Type: 'Parallel', Branches: [awaitBranch, failingBranch], End: true } },
      }),
    );
    const parallel = spec('parallel', 'parallel.asl.json');
    const h = track(harness(dataDir, { specs: [parallel], root: dataDir }));
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: arnOf(parallel), name: 'E-20' });
    await eventually(() => h.calls.length === 1, 'the token to be handed out');
    await h.sfn.drain();
    h.clock.advance(60_000);
    await eventually(() => statusOf(h, executionArn) !== 'RUNNING', 'the failure to be recorded');
    expect(h.sfn.describeExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'Branch.Failed' });
    expect(codeOf(() => h.sfn.sendTaskSuccess(h.tokens()[0] ?? '', '{}'))).toBe('TaskTimedOut');
    expect(h.clock.pendingSleepers).toBe(0);
  });

  describe('refuses callback tasks it cannot serve', () => {
    const build = (definition: unknown) => {
      writeFileSync(join(dataDir, 'machine.asl.json'), JSON.stringify(definition));
      return () => harness(dataDir, { specs: [spec('m', 'machine.asl.json')], root: dataDir });
    };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution placeholder, not a template
    const substituted = '${TrackApprovalFunctionArn}';
    const machine = (payload: Record<string, unknown>, functionName = substituted) => ({
      StartAt: 'Await',
      States: {
        Await: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: functionName, Payload: payload },
          End: true,
        },
      },
    });

    it('a token inside an intrinsic function', () => {
      expect(build(machine({ 'msg.$': "States.Format('t={}', $$.Task.Token)" }))).toThrow(
        /"Await" uses \$\$\.Task\.Token inside/,
      );
    });

    it('a task that passes no token', () => {
      expect(build(machine({ ticketId: 'T-1' }))).toThrow(/"Await" waits for a task token but passes none/);
    });

    it('a function that is not a substituted one', () => {
      expect(
        build(
          machine(
            { 'taskToken.$': '$$.Task.Token' },
            'arn:aws:lambda:eu-west-1:000000000000:function:elsewhere',
          ),
        ),
      ).toThrow(/"Await" must invoke a function given by a \$\{placeholder\} substitution/);
    });
  });

  describe('through @aws-sdk/client-sfn', () => {
    let server: Server;
    let client: SFNClient;
    let h: ReturnType<typeof harness>;

    beforeEach(async () => {
      h = track(harness(dataDir));
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const target = String(req.headers['x-amz-target'] ?? '');
          const { status, body } = h.sfn.serve(target, Buffer.concat(chunks).toString('utf8'));
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      client = new SFNClient({
        region: REGION,
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
    });
    afterEach(async () => {
      client.destroy();
      await new Promise((r) => server.close(r));
    });

    it('SendTaskHeartbeat, SendTaskSuccess and SendTaskFailure, with AWS error codes', async () => {
      const { executionArn, token } = await startAwait(h, 'E-18');
      expect(await client.send(new SendTaskHeartbeatCommand({ taskToken: token }))).toMatchObject({
        $metadata: { httpStatusCode: 200 },
      });
      await expect(
        client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'nope' })),
      ).rejects.toMatchObject({ name: 'InvalidOutput', $metadata: { httpStatusCode: 400 } });
      await expect(
        client.send(new SendTaskSuccessCommand({ taskToken: 'made-up', output: '{}' })),
      ).rejects.toMatchObject({ name: 'InvalidToken' });

      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":false}' }));
      await eventually(() => statusOf(h, executionArn) === 'SUCCEEDED', 'success');
      expect(outputOf(h, executionArn).decision).toEqual({ approved: false });
      await expect(
        client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Late', cause: 'too late' })),
      ).rejects.toMatchObject({ name: 'TaskTimedOut' });

      const failing = await startAwait(h, 'E-19');
      await client.send(
        new SendTaskFailureCommand({ taskToken: failing.token, error: 'Approval.Rejected', cause: 'no' }),
      );
      await eventually(() => statusOf(h, failing.executionArn) === 'SUCCEEDED', 'the caught failure');
      expect(outputOf(h, failing.executionArn).rejected).toEqual({ Error: 'Approval.Rejected', Cause: 'no' });
    });
  });
});
