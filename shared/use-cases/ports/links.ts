// The signed links in our mail: what each grants, and the port that turns a grant into the URL the
// customer follows (signing and routes are the HTTP edge's business, supplied by the handler).

/** What a needs-info link grants: supplying these fields of this ticket, until it expires. */
export interface ContextLink {
  readonly ticketId: string;
  readonly fields: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** What a survey link grants: rating this resolution of this ticket, until it expires. */
export interface CsatLink {
  readonly ticketId: string;
  /** The audit seq of the state change that resolved the ticket: one survey per resolution. */
  readonly resolution: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** What a resolution link grants: answering "is it solved?" for this resolution of this ticket, until it expires. */
export interface ResolutionLink {
  readonly ticketId: string;
  /** The audit seq of the state change that resolved the ticket: one answer per resolution. */
  readonly resolution: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** What a "this solved it" link of an acknowledgement grants: saying this article solved this ticket (issue 18). */
export interface ArticleSolvedLink {
  readonly ticketId: string;
  readonly slug: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** Signed, expiring URLs for the customer (each kind signed for its own purpose). */
export interface CustomerLinks {
  /** The needs-info form asking for the missing fields. */
  needsInfo(link: ContextLink): Promise<string>;
  /** The satisfaction survey of one resolution. */
  csat(link: CsatLink): Promise<string>;
  /** "Is it solved?" for one resolution (the answer goes in the query: `?answer=solved`). */
  resolution(link: ResolutionLink): Promise<string>;
  /** "This solved it" for one suggested article of an acknowledgement (GET shows a button, POST records). */
  articleSolved(link: ArticleSolvedLink): Promise<string>;
  /** A help centre article's page, opened from a mail (counted as a view from mail). */
  helpArticle(slug: string): Promise<string>;
}
