/**
 * The layer rules, executable: `test/architecture/layers.test.ts` runs them in `npm test` and names every
 * violating import. Layers, inner to outer:
 *   shared/domain + shared/config   pure: the ticket model and the workflow-as-data (zod, ulid, nothing else)
 *   shared/metrics                  pure data and arithmetic: AWS list prices, the measured cost profile
 *   shared/use-cases                the application: domain + the ports it declares (shared/use-cases/ports)
 *   shared/adapters                 the only AWS SDK: implements the ports
 *   shared/http, shared/topology    the HTTP edge (contracts, access, errors) and the one declaration
 *   functions/*                     thin handlers: compose adapters into ports, call a use case
 *   infra, tools, test              CDK, the local runtime, command-line tools, tests
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules form no circles (type-only imports included): each one can be read before its importers.',
      from: { path: '^(shared|functions|infra|tools)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain, the workflow config and the price table import only each other, zod and ulid.',
      from: { path: '^shared/(domain|config|metrics)/' },
      to: { pathNot: ['^shared/(domain|config|metrics)/', '^node_modules/(zod|ulid)/'] },
    },
    {
      name: 'use-cases-depend-on-ports',
      severity: 'error',
      comment:
        'Use cases depend on the domain and on the ports they declare, never on adapters, http/, handlers, infra or an SDK.',
      from: { path: '^shared/use-cases/' },
      to: { pathNot: ['^shared/(domain|config|use-cases|metrics)/', '^node_modules/(zod|ulid)/'] },
    },
    {
      name: 'adapters-implement-ports',
      severity: 'error',
      comment:
        'Adapters may know the ports (shared/use-cases/ports) but not a use case, http/, a handler or infra.',
      from: { path: '^shared/adapters/' },
      to: { path: ['^shared/use-cases/(?!ports)', '^shared/http/', '^functions/', '^infra/', '^tools/'] },
    },
    {
      name: 'sdk-only-in-adapters-and-infra',
      severity: 'error',
      comment: 'The AWS SDK is called from shared/adapters (and CDK/local infra, tools, tests) only.',
      from: { pathNot: ['^shared/adapters/', '^infra/', '^tools/', '^test/'] },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'shared-never-imports-outer-layers',
      severity: 'error',
      comment: 'shared/ is imported by handlers and infra, never the other way round.',
      from: { path: '^shared/' },
      to: { path: ['^infra/', '^functions/', '^tools/', '^test/', '^ui/'] },
    },
    {
      name: 'topology-is-a-declaration',
      severity: 'error',
      comment:
        'The topology is data: it names the domain vocabulary and the request contracts, never an adapter.',
      from: { path: '^shared/topology\\.ts$' },
      to: {
        pathNot: [
          '^shared/(domain|config)/',
          '^shared/http/(contracts|webhook-payload)\\.ts$',
          '^node_modules/zod/',
        ],
      },
    },
    {
      name: 'handlers-are-leaves',
      severity: 'error',
      comment:
        'A handler is imported by nothing but the runtime and tests (no handler reaches into another).',
      from: { path: '^(shared|functions)/' },
      to: { path: '^functions/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7's native compiler has no API dependency-cruiser can use: swc parses the sources instead.
    parser: 'swc',
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
    // node_modules is not excluded (only not followed): excluding it would drop the imports of packages,
    // and with them the SDK and purity rules.
    exclude: { path: ['^cdk\\.out', '^\\.data', '^ui/dist'] },
  },
};
