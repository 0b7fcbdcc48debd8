import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions, StepFunctionsError } from '../../infra/local/step-functions';
import { VirtualClock } from '../../infra/local/virtual-clock';
import type { StateMachineSpec } from '../../shared/topology';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const at = (ms: number) => new Date(START.getTime() + ms).toISOString();

/**
 * A timer loop (the SLA timer's definition from before the scheduler took time-driven work over): a Lambda
 * task with retries, two Choices, an events:putEvents task and a Wait on a timestamp, looping. It exercises
 * what the approval workflow does not: Wait states on the virtual clock. Written to a directory of its own,
 * the harness's `root`.
 */
const TIMER_LOOP_ASL = {
  Comment:
    'A timer loop: ask the clock (a function) -> announce what it returns -> wait until the time it says, or end.',
  StartAt: 'AskClock',
  States: {
    AskClock: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution placeholder, not a template
        FunctionName: '${CheckClockFunctionArn}',
        Payload: {
          'ticketId.$': '$.ticketId',
          'execution.$': '$$.Execution.Name',
        },
      },
      ResultSelector: {
        'action.$': '$.Payload.action',
        'waitUntil.$': '$.Payload.waitUntil',
        'entries.$': '$.Payload.entries',
      },
      ResultPath: '$.clock',
      Retry: [
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
          ],
          IntervalSeconds: 1,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 5,
          MaxAttempts: 5,
          BackoffRate: 3,
        },
      ],
      Next: 'AnythingToAnnounce',
    },
    AnythingToAnnounce: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.clock.entries[0]',
          IsPresent: true,
          Next: 'Announce',
        },
      ],
      Default: 'WaitOrDone',
    },
    Announce: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        'Entries.$': '$.clock.entries',
      },
      ResultPath: null,
      Retry: [
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 1,
          MaxAttempts: 8,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ],
      Next: 'WaitOrDone',
    },
    WaitOrDone: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.clock.action',
          StringEquals: 'wait',
          Next: 'WaitUntilDue',
        },
      ],
      Default: 'Done',
    },
    WaitUntilDue: {
      Type: 'Wait',
      TimestampPath: '$.clock.waitUntil',
      Next: 'AskClock',
    },
    Done: {
      Type: 'Succeed',
    },
  },
};
const timerLoop: StateMachineSpec = {
  name: 'timer-loop',
  description: 'test',
  definition: 'timer-loop.asl.json',
  substitutions: { CheckClockFunctionArn: { function: 'check-clock' } },
  grants: ['bus:put'],
  arnRef: 'stateMachine.approval',
};
const TIMER_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:timer-loop`;
const DEFINITIONS = mkdtempSync(join(tmpdir(), 'frontdoor-sfn-definitions-'));
writeFileSync(join(DEFINITIONS, timerLoop.definition), JSON.stringify(TIMER_LOOP_ASL));
afterAll(() => rmSync(DEFINITIONS, { recursive: true, force: true }));

/** What the check-clock function answers: to wait (until when, announcing what) or that it is done. */
type ClockAnswer = {
  action: 'wait' | 'done';
  waitUntil: string | null;
  entries: Array<Record<string, unknown>>;
};
const waitAnswer = (waitUntil: string, entries: Array<Record<string, unknown>> = []): ClockAnswer => ({
  action: 'wait',
  waitUntil,
  entries,
});
const doneAnswer: ClockAnswer = { action: 'done', waitUntil: null, entries: [] };

interface Invocation {
  readonly fnName: string;
  readonly payload: { ticketId?: string; execution?: string };
  /** Virtual time of the call. */
  readonly at: number;
}

/** A LocalStepFunctions with a scripted check-clock: `script(payload, n)` answers its n-th call for that execution. */
function harness(
  dataDir: string,
  script: (payload: Invocation['payload'], n: number) => unknown,
  clock = new VirtualClock({ start: START }),
  specs: readonly StateMachineSpec[] = [timerLoop],
  root = DEFINITIONS,
) {
  const invocations: Invocation[] = [];
  const puts: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  const sfn = new LocalStepFunctions({
    specs,
    root,
    region: REGION,
    accountId: ACCOUNT,
    dataDir,
    clock,
    invokeFunction: async (fnName, payload) => {
      const p = payload as Invocation['payload'];
      invocations.push({ fnName, payload: p, at: clock.now() });
      const n = invocations.filter((i) => i.payload.execution === p.execution).length - 1;
      return script(p, n);
    },
    putEvents: (entries) => {
      puts.push(...entries);
    },
    log: (line) => logs.push(line),
  });
  return { sfn, clock, invocations, puts, logs };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
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

const start = (sfn: LocalStepFunctions, ticketId: string, name: string = ticketId) =>
  sfn.startExecution({ stateMachineArn: TIMER_ARN, name, input: JSON.stringify({ ticketId }) });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof StepFunctionsError) return error.code;
    throw error;
  }
  return undefined;
}

describe('LocalStepFunctions (a timer loop)', () => {
  let dataDir: string;
  const running: LocalStepFunctions[] = [];
  const track = <T extends { sfn: LocalStepFunctions }>(h: T): T => {
    running.push(h.sfn);
    return h;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-sfn-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sfn) => sfn.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names state machines by ARN', () => {
    const { sfn } = track(harness(dataDir, () => doneAnswer));
    expect(sfn.arnOf('timer-loop')).toBe(TIMER_ARN);
    expect(() => sfn.arnOf('nope')).toThrow(/nope/);
  });

  it('announces what the clock returns, sleeps on the virtual clock until waitUntil, then asks again', async () => {
    const warning = {
      Source: 'frontdoor',
      DetailType: 'sla.warning',
      Detail: { ticketId: 'T-1', version: 3 },
      EventBusName: 'frontdoor',
    };
    const breached = { ...warning, DetailType: 'sla.breached' };
    const { sfn, clock, invocations, puts } = track(
      harness(dataDir, (_, n) => (n === 0 ? waitAnswer(at(HOUR), [warning, breached]) : doneAnswer)),
    );

    const { executionArn } = start(sfn, 'T-1');
    expect(executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:timer-loop:T-1`);
    await eventually(() => puts.length === 2, 'the announcements');
    // Entries reach the bus unchanged (Detail still an object) and in order.
    expect(puts).toEqual([warning, breached]);
    expect(invocations).toEqual([
      { fnName: 'check-clock', payload: { ticketId: 'T-1', execution: 'T-1' }, at: expect.any(Number) },
    ]);

    // Asleep until the due moment: drain does not wait for it, and nothing more happens meanwhile.
    await settle(sfn);
    expect(invocations).toHaveLength(1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');

    clock.advance(HOUR - 60_000);
    await settle(sfn);
    expect(invocations).toHaveLength(1);

    clock.advance(60_000);
    // A clock jump wakes it at once (no real-time bound asserted: the suite runs beside other CPU work).
    await eventually(() => invocations.length === 2, 'the second look', 60_000);
    expect(invocations[1]?.at).toBeGreaterThanOrEqual(START.getTime() + HOUR);

    await eventually(() => sfn.describeExecution(executionArn).status !== 'RUNNING', 'the end');
    const described = sfn.describeExecution(executionArn);
    expect(described).toMatchObject({
      executionArn,
      stateMachineArn: TIMER_ARN,
      name: 'T-1',
      status: 'SUCCEEDED',
      input: JSON.stringify({ ticketId: 'T-1' }),
    });
    // Virtual time: the clock started at START and ran at speed 1 for a moment before the start.
    expect(described.startDate.getTime() - START.getTime()).toBeGreaterThanOrEqual(0);
    expect(described.startDate.getTime() - START.getTime()).toBeLessThan(HOUR);
    expect(JSON.parse(described.output ?? 'null')).toEqual({ ticketId: 'T-1', clock: doneAnswer });
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(START.getTime() + HOUR);
    // AskClock, AnythingToAnnounce, Announce, WaitOrDone, WaitUntilDue, AskClock, AnythingToAnnounce, WaitOrDone, Done.
    expect(described.stateTransitions).toBe(9);
    expect(sfn.transitions(executionArn)).toBe(9);
    expect(puts).toHaveLength(2);
  });

  it('goes straight on when waitUntil has already passed', async () => {
    const { sfn, invocations } = track(
      harness(dataDir, (_, n) => (n === 0 ? waitAnswer(at(-HOUR)) : doneAnswer)),
    );
    const { executionArn } = start(sfn, 'T-2');
    await eventually(() => sfn.describeExecution(executionArn).status === 'SUCCEEDED', 'success');
    expect(invocations).toHaveLength(2);
  });

  it('starts idempotently for the same name and input, and refuses what AWS refuses', async () => {
    const { sfn } = track(
      harness(dataDir, (p) => (p.ticketId === 'T-done' ? doneAnswer : waitAnswer(at(HOUR)))),
    );
    const first = start(sfn, 'T-3');
    const again = start(sfn, 'T-3');
    expect(again).toEqual(first);
    expect(codeOf(() => start(sfn, 'T-other', 'T-3'))).toBe('ExecutionAlreadyExists');
    expect(codeOf(() => start(sfn, 'T-4', 'has space'))).toBe('InvalidName');
    expect(codeOf(() => start(sfn, 'T-4', 'x'.repeat(81)))).toBe('InvalidName');
    expect(codeOf(() => sfn.startExecution({ stateMachineArn: `${TIMER_ARN}-nope`, name: 'T-4' }))).toBe(
      'StateMachineDoesNotExist',
    );
    expect(codeOf(() => sfn.startExecution({ stateMachineArn: TIMER_ARN, input: '{not json' }))).toBe(
      'InvalidExecutionInput',
    );
    expect(codeOf(() => sfn.describeExecution(`${first.executionArn}-nope`))).toBe('ExecutionDoesNotExist');

    // A closed execution's name cannot be used again, even with the same input.
    const done = start(sfn, 'T-done');
    await eventually(() => sfn.describeExecution(done.executionArn).status === 'SUCCEEDED', 'success');
    expect(codeOf(() => start(sfn, 'T-done'))).toBe('ExecutionAlreadyExists');

    // Without a name, each start is a new execution.
    const a = sfn.startExecution({ stateMachineArn: TIMER_ARN, input: '{"ticketId":"T-5"}' });
    const b = sfn.startExecution({ stateMachineArn: TIMER_ARN, input: '{"ticketId":"T-5"}' });
    expect(a.executionArn).not.toBe(b.executionArn);

    expect(sfn.listExecutions(TIMER_ARN, 'SUCCEEDED').map((e) => e.name)).toEqual(['T-done']);
    expect(sfn.listExecutions(TIMER_ARN)).toHaveLength(4);
  });

  it('keeps executions on disk and resumes the running ones from the start in a new instance', async () => {
    const first = track(
      harness(dataDir, (p) => (p.ticketId === 'T-done' ? doneAnswer : waitAnswer(at(HOUR)))),
    );
    const sleeping = start(first.sfn, 'T-6');
    const done = start(first.sfn, 'T-done');
    await eventually(
      () =>
        first.sfn.describeExecution(done.executionArn).status === 'SUCCEEDED' &&
        first.invocations.length === 2,
      'both to be asked',
    );
    await first.sfn.drain();
    await first.sfn.stop();

    const stored = JSON.parse(readFileSync(join(dataDir, 'step-functions', 'executions.json'), 'utf8'));
    expect(stored.executions.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      ['T-6', 'RUNNING'],
      ['T-done', 'SUCCEEDED'],
    ]);

    // The runtime comes back two hours later: the timer asks the clock again, which says it is done.
    const second = track(
      harness(dataDir, () => doneAnswer, new VirtualClock({ start: new Date(START.getTime() + 2 * HOUR) })),
    );
    expect(second.logs.some((l) => /resumed 1 running execution/.test(l))).toBe(true);
    await eventually(
      () => second.sfn.describeExecution(sleeping.executionArn).status === 'SUCCEEDED',
      'the resumed run to end',
    );
    expect(second.invocations.map((i) => i.payload)).toEqual([{ ticketId: 'T-6', execution: 'T-6' }]);
    expect(second.sfn.describeExecution(sleeping.executionArn).startDate).toEqual(
      first.sfn.describeExecution(sleeping.executionArn).startDate,
    );
    // Four transitions before the restart (AskClock … WaitUntilDue), four after (AskClock … Done).
    expect(second.sfn.transitions(sleeping.executionArn)).toBe(8);
    expect(second.sfn.describeExecution(done.executionArn).status).toBe('SUCCEEDED');
  });

  it('stop() aborts a sleeping execution and leaves it to be resumed', async () => {
    const { sfn, clock, invocations } = track(harness(dataDir, () => waitAnswer(at(HOUR))));
    const { executionArn } = start(sfn, 'T-7');
    await eventually(() => invocations.length === 1, 'the first look');
    await sfn.drain();
    expect(clock.pendingSleepers).toBe(1);

    await sfn.stop();
    expect(clock.pendingSleepers).toBe(0);
    clock.advance(2 * HOUR);
    await turns();
    expect(invocations).toHaveLength(1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
  });

  it('fails an execution whose clock answer lacks what the workflow needs, and logs it', async () => {
    const { sfn, logs } = track(harness(dataDir, () => ({ entries: [] })));
    const { executionArn } = start(sfn, 'T-8');
    await eventually(() => sfn.describeExecution(executionArn).status !== 'RUNNING', 'the failure');
    const described = sfn.describeExecution(executionArn);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toMatch(/\$\.Payload\.action/);
    expect(logs.some((l) => l.startsWith('execution T-8 failed: States.Runtime'))).toBe(true);
  });

  it('retries a failed task within a second, counting the retry as a transition', async () => {
    const { sfn, invocations } = track(
      harness(dataDir, (_, n) => {
        if (n === 0) throw new Error('flaky');
        return doneAnswer;
      }),
    );
    const { executionArn } = start(sfn, 'T-9');
    await eventually(
      () => sfn.describeExecution(executionArn).status === 'SUCCEEDED',
      'success after a retry',
    );
    expect(invocations).toHaveLength(2);
    // AskClock, its retry, AnythingToAnnounce, WaitOrDone, Done.
    expect(sfn.transitions(executionArn)).toBe(5);
  });

  it('drain waits for an execution inside a task', async () => {
    let release: (() => void) | undefined;
    const { sfn } = track(
      harness(
        dataDir,
        () =>
          new Promise((r) => {
            release = () => r(doneAnswer);
          }),
      ),
    );
    const { executionArn } = start(sfn, 'T-10');
    let drained = false;
    void sfn.drain().then(() => {
      drained = true;
    });
    await eventually(() => release !== undefined, 'the task to start');
    await turns();
    expect(drained).toBe(false);
    release?.();
    await eventually(() => drained, 'the drain');
    expect(sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });

  describe('refuses definitions it cannot serve', () => {
    const writeDefinition = (definition: unknown) => {
      writeFileSync(join(dataDir, 'machine.asl.json'), JSON.stringify(definition));
      return { ...timerLoop, definition: 'machine.asl.json' };
    };
    const build = (spec: StateMachineSpec) => harness(dataDir, () => doneAnswer, undefined, [spec], dataDir);

    it('names an unknown placeholder', () => {
      const asl = structuredClone(TIMER_LOOP_ASL);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution placeholder, not a template
      asl.States.AskClock.Parameters.FunctionName = '${NoSuchFunctionArn}';
      expect(() => build(writeDefinition(asl))).toThrow(/NoSuchFunctionArn/);
    });

    it('names a task resource that is not served locally', () => {
      const spec = writeDefinition({
        StartAt: 'Send',
        States: {
          Send: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/000000000000/q', MessageBody: 'x' },
            End: true,
          },
        },
      });
      expect(() => build(spec)).toThrow(
        /"Send" uses arn:aws:states:::sqs:sendMessage, which is not served locally/,
      );
    });
  });

  describe('through @aws-sdk/client-sfn', () => {
    let server: Server;
    let client: SFNClient;
    let h: ReturnType<typeof harness>;

    beforeEach(async () => {
      h = track(harness(dataDir, (p) => (p.ticketId === 'T-done' ? doneAnswer : waitAnswer(at(HOUR)))));
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
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
    });
    afterEach(async () => {
      client.destroy();
      await new Promise((r) => server.close(r));
    });

    it('starts, describes, lists and stops executions', async () => {
      const input = JSON.stringify({ ticketId: 'T-11' });
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn: TIMER_ARN, name: 'T-11', input }),
      );
      expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:timer-loop:T-11`);
      expect(started.startDate).toBeInstanceOf(Date);
      // Virtual time, to the millisecond.
      expect(started.startDate?.getTime()).toBe(
        h.sfn.describeExecution(started.executionArn ?? '').startDate.getTime(),
      );

      const again = await client.send(
        new StartExecutionCommand({ stateMachineArn: TIMER_ARN, name: 'T-11', input }),
      );
      expect(again).toMatchObject({ executionArn: started.executionArn, startDate: started.startDate });

      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: TIMER_ARN, name: 'T-11', input: '{}' })),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });
      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: TIMER_ARN, name: 'bad name!' })),
      ).rejects.toMatchObject({ name: 'InvalidName' });
      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: `${TIMER_ARN}x`, name: 'T-12' })),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });

      const described = await client.send(
        new DescribeExecutionCommand({ executionArn: started.executionArn }),
      );
      expect(described).toMatchObject({
        executionArn: started.executionArn,
        stateMachineArn: TIMER_ARN,
        name: 'T-11',
        status: 'RUNNING',
        input,
        startDate: started.startDate,
      });

      const done = await client.send(
        new StartExecutionCommand({
          stateMachineArn: TIMER_ARN,
          name: 'T-done',
          input: '{"ticketId":"T-done"}',
        }),
      );
      await eventually(
        () => h.sfn.describeExecution(done.executionArn ?? '').status === 'SUCCEEDED',
        'success',
      );
      const finished = await client.send(new DescribeExecutionCommand({ executionArn: done.executionArn }));
      expect(finished.status).toBe('SUCCEEDED');
      expect(finished.stopDate).toBeInstanceOf(Date);
      expect(JSON.parse(finished.output ?? 'null')).toMatchObject({ clock: { action: 'done' } });

      const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: TIMER_ARN }));
      expect(listed.executions?.map((e) => [e.name, e.status])).toEqual([
        ['T-done', 'SUCCEEDED'],
        ['T-11', 'RUNNING'],
      ]);
      const running = await client.send(
        new ListExecutionsCommand({ stateMachineArn: TIMER_ARN, statusFilter: 'RUNNING' }),
      );
      expect(running.executions?.map((e) => e.name)).toEqual(['T-11']);
      const page = await client.send(
        new ListExecutionsCommand({ stateMachineArn: TIMER_ARN, maxResults: 1 }),
      );
      expect(page.executions).toHaveLength(1);
      const next = await client.send(
        new ListExecutionsCommand({
          stateMachineArn: TIMER_ARN,
          maxResults: 1,
          nextToken: page.nextToken,
        }),
      );
      expect(next.executions?.map((e) => e.name)).toEqual(['T-11']);
      expect(next.nextToken).toBeUndefined();

      const stopped = await client.send(new StopExecutionCommand({ executionArn: started.executionArn }));
      expect(stopped.stopDate).toBeInstanceOf(Date);
      await h.sfn.drain();
      expect(h.clock.pendingSleepers).toBe(0);
      const aborted = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(aborted.status).toBe('ABORTED');

      await expect(
        client.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}-nope` })),
      ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    });
  });
});
