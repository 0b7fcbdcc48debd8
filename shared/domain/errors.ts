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

/** Input that does not read: each problem located (`fields.riskLevel`, `cursor`, `(body)`). */
export class InvalidInputError extends DomainError {
  override readonly name = 'InvalidInputError';
  readonly code = 'INPUT.INVALID';
  constructor(readonly issues: readonly Issue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** What a request names does not exist: `TICKET.NOT_FOUND`, `APPROVAL.NOT_FOUND`, … */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(
    readonly code: `${string}.NOT_FOUND`,
    message: string,
  ) {
    super(message);
  }
}
