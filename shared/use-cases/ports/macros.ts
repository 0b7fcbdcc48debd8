// How often each macro was applied: a counter per macro, readable with the macros (GET /v1/macros).

export interface MacroUsagePort {
  /** Applications per macro id; a macro never applied is absent. */
  counts(): Promise<Record<string, number>>;
  /** Counts one application of `macroId` (after its ticket write committed). */
  record(macroId: string): Promise<void>;
}
