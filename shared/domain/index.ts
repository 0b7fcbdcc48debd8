export * from './audit';
export * from './errors';
export * from './events';
export * from './intake';
export * from './states';
export * from './ticket';
export * from './triage';
