/**
 * The ports: everything a use case needs from the world outside the domain, declared here and nowhere
 * else. Adapters (`shared/adapters`) implement them; handlers (`functions/`) compose adapters into them;
 * use cases import nothing else but the domain and the workflow config.
 */
export * from './accounts';
export * from './agents';
export * from './approvals';
export * from './articles';
export * from './clock';
export * from './deflection';
export * from './errors';
export * from './events';
export * from './incidents';
export * from './integrations';
export * from './intent';
export * from './links';
export * from './macros';
export * from './mail';
export * from './metrics';
export * from './privacy';
export * from './tickets';
export * from './wake-ups';
export * from './what-if';
