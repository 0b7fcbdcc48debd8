// The errors the ports raise, declared beside the use cases that catch them: a use case retries on
// ConcurrentUpdateError without knowing which store threw it, and the adapters import these from here.
import { DomainError } from '../../domain/errors';

/** A conditional write lost: the ticket is no longer at the version the change was decided on. */
export class ConcurrentUpdateError extends DomainError {
  override readonly name = 'ConcurrentUpdateError';
  readonly code = 'TICKET.STALE_VERSION';
  constructor(
    readonly ticketId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`ticket ${ticketId} is no longer at version ${expectedVersion}`, options);
  }
}

/**
 * A single read of a ticket whose stored item no longer parses: the item is wrong, not the request (the API
 * answers 500 `unreadable_ticket` naming the ticket; lists leave such items out).
 */
export class UnreadableTicketError extends DomainError {
  override readonly name = 'UnreadableTicketError';
  readonly code = 'TICKET.UNREADABLE';
  constructor(
    readonly ticketId: string,
    readonly problems: readonly string[],
  ) {
    super(`ticket ${ticketId} is stored in a form the ticket schema does not read (${problems.join('; ')})`);
  }
}

/** A page cursor this API did not issue (or one that no longer reads). */
export class InvalidCursorError extends DomainError {
  override readonly name = 'InvalidCursorError';
  readonly code = 'API.INVALID_CURSOR';
}

/** An account's mail domains must be its own: these already route to another account. */
export class DomainTakenError extends DomainError {
  override readonly name = 'DomainTakenError';
  readonly code = 'ACCOUNT.DOMAIN_TAKEN';
  constructor(readonly domains: readonly string[]) {
    super(`domain(s) already belong to another account: ${domains.join(', ')}`);
  }
}
