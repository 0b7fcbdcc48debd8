/**
 * Base of every error the domain raises or returns. `code` is the stable, machine-readable part
 * (HTTP mapping and Step Functions Catch rules match on `name`/`code`, never on the message).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A problem located in an input document; `path` is dotted (`fields.riskLevel`, `requestType`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}
