import type { Redaction } from '../domain/privacy-erasure';
import type { SentMailCopiesPort } from '../use-cases/ports';

/**
 * Copies of mail already sent. In AWS Frontdoor keeps none (SES sends and keeps no copy; what reached
 * the requester's mailbox is theirs): nothing to do. The local runtime's outbox stands in for SES and
 * keeps every mail, so there the erasure reaches it too (`LOCAL_OUTBOX_URL`, set only by `npm start`).
 */
export class SentMailCopies implements SentMailCopiesPort {
  /** `localOutbox`: the local outbox's URL, `LOCAL_OUTBOX_URL` (unset in AWS). */
  constructor(private readonly localOutbox: string | undefined) {}

  async forget(redaction: Redaction): Promise<void> {
    if (!this.localOutbox) return;
    const res = await fetch(`${this.localOutbox}/forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: redaction.email,
        names: redaction.names,
        texts: redaction.texts,
        pseudonym: redaction.pseudonym,
      }),
    });
    if (!res.ok) throw new Error(`the local outbox refused the erasure: HTTP ${res.status}`);
  }
}
