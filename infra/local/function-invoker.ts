/**
 * The topology's functions in this process: every handler imported once (after the environment is set,
 * as Lambda sets it before a cold start), then invoked as Lambda would — with a context, under the
 * function's timeout, and counted by the billing meter.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { billingMeter } from '../../shared/adapters/billing-meter';
import { type FunctionSpec, functions } from '../../shared/topology';
import { type LambdaHandler, lambdaContext } from './gateway';

/** Runs a topology function with an event and returns what its handler returned (or throws what it threw). */
export type Invoke = (fn: FunctionSpec, event: unknown) => Promise<unknown>;

/** Imports every function's handler from its entry (relative to `root`) and returns how to invoke them. */
export async function loadFunctions(root: string): Promise<Invoke> {
  const handlers = new Map<string, LambdaHandler>();
  for (const fn of functions) {
    const mod = (await import(pathToFileURL(resolve(root, fn.entry)).href)) as { handler?: LambdaHandler };
    if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
    handlers.set(fn.name, mod.handler);
  }
  return async (fn, event) => {
    const handler = handlers.get(fn.name);
    if (!handler) throw new Error(`no handler for ${fn.name}`);
    const context = lambdaContext(fn, randomUUID());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new Error(`${fn.name} timed out after ${fn.timeoutSeconds} s`)),
        fn.timeoutSeconds * 1000,
      );
    });
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
      // What Lambda bills: the request, and memory × duration (shared/adapters/billing-meter.ts). The CPU
      // time is the whole process's meanwhile: other invocations overlapping this one count in it too.
      const cpu = process.cpuUsage(cpuBefore);
      billingMeter.invocation(
        fn.name,
        fn.memoryMb,
        performance.now() - startedAt,
        (cpu.user + cpu.system) / 1000,
      );
    }
  };
}
