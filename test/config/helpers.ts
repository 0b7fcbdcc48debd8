import { defaultWorkflow, parseWorkflowConfig, WorkflowConfigError } from '../../shared/config';

/** The default workflow with one value replaced (undefined deletes it), at a path written like the error messages. */
export function withChange(path: ReadonlyArray<string | number>, value: unknown): unknown {
  const config: unknown = structuredClone(defaultWorkflow);
  let node = config as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) ?? '';
  if (value === undefined) delete node[last];
  else node[last] = value;
  return config;
}

/** The error a config is refused with; fails the test when it is accepted. */
export function refusal(input: unknown): WorkflowConfigError {
  try {
    parseWorkflowConfig(input);
  } catch (e: unknown) {
    if (e instanceof WorkflowConfigError) return e;
    throw e;
  }
  throw new Error('the config was accepted');
}
