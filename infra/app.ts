/**
 * CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). The app is built in `build-app.ts` so tests can
 * build the same app; this file only synthesizes it.
 *
 * `build-app` is imported dynamically: the workflow config is validated when its module loads, and a bad
 * config must end `cdk synth` with the config error's message (which names the path), not a stack trace.
 */
export {};

const USER_ERRORS = new Set([
  'WorkflowConfigError',
  'InvalidStageError',
  'InvalidContextError',
  'AgentUiError',
]);

try {
  const { buildApp } = await import('./build-app');
  buildApp().app.synth();
} catch (e: unknown) {
  if (e instanceof Error && USER_ERRORS.has(e.name)) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
