// Imported first by `npm start` (infra/local/main.ts): below the supported Node the runtime would start and
// then fail in its timers (Promise.withResolvers and others are Node 22), so it refuses at once instead.

export const REQUIRED_NODE_MAJOR = 22;

/** The sentence that says what to install, or undefined when `version` (e.g. "20.20.2") is new enough. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ''), 10);
  if (Number.isInteger(major) && major >= REQUIRED_NODE_MAJOR) return undefined;
  return `Frontdoor needs Node.js ${REQUIRED_NODE_MAJOR} or newer, and this is Node ${version}: install Node ${REQUIRED_NODE_MAJOR} (for example \`nvm install ${REQUIRED_NODE_MAJOR}\`, or from nodejs.org) and run npm start again.`;
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
