/**
 * Generated cases per run. Issue 13 asks for at least 10,000 a run across webhook, form, event, mail and
 * the agent writes; these are the in-process ones (doors.test.ts: the doors' parse and domain code;
 * handlers.test.ts: the Lambda handlers with the store stubbed). The fuzzing against `npm start` adds to them.
 */
export const DOOR_RUNS = {
  webhook: 2000,
  form: 1800,
  event: 2000,
  mail: 1200,
  patch: 1500,
  message: 1000,
} as const;
export const HANDLER_RUNS = { webhook: 300, form: 300, event: 200, patch: 200, message: 150 } as const;

const sum = (runs: Readonly<Record<string, number>>) => Object.values(runs).reduce((a, b) => a + b, 0);
export const TOTAL_RUNS = sum(DOOR_RUNS) + sum(HANDLER_RUNS);
