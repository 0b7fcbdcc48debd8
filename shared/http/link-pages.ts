// What the links in our mails answer, shared by each link's page function (GET, which only shows) and its
// API (POST, which records, and answers the page's own form post with a page): the refusal of a link that
// cannot be used, in the customer's words, and the pages of the survey and "is it solved?" links — their
// form, the thank-you and refusal messages — served with the hosted forms' strict headers, out of search
// engines.

import { CSAT_COMMENT_MAX_LENGTH } from '../domain/csat';
import type { DomainError, Issue } from '../domain/errors';
import { RESOLUTION_COMMENT_MAX_LENGTH, type ResolutionAnswerKind } from '../domain/resolution-answer';
import type { Ticket } from '../domain/ticket';
import { type CsatPageOptions, renderCsatPage } from './csat-page';
import { type HttpResult, httpStatusOf } from './errors';
import { createNonce, formPageHeaders, renderMessagePage } from './form-page';
import { type ResolutionPageOptions, renderResolutionPage } from './resolution-page';
import { LinkRefusedError, type TokenRefusal } from './signed-link';

/** The links a mail carries: needs-info (`/forms/context/…`), survey (`/csat/…`), "is it solved?" (`/resolution/…`). */
export type MailLink = 'needsInfo' | 'csat' | 'resolution';

const REFUSED: Readonly<Record<Exclude<TokenRefusal, 'expired'>, string>> = {
  malformed: 'This link is incomplete. Please use the link from our mail as it is.',
  forged: 'This link is not valid. Please use the link from our mail.',
};
const EXPIRED: Readonly<Record<MailLink, string>> = {
  needsInfo: 'This link has expired. Reply to our mail with the details instead, and we will pick them up.',
  csat: 'This survey has closed. Thank you all the same; you can always reply to our mail.',
  resolution: 'This link has expired. If something is still not right, reply to our mail.',
};

/** Why a link is refused, in the customer's words; the "is it solved?" link's refusal also names the token. */
export function linkRefused(link: MailLink, reason: TokenRefusal): LinkRefusedError {
  const issues: Issue[] = link === 'resolution' ? [{ path: 'token', message: `the link is ${reason}` }] : [];
  return new LinkRefusedError(reason, reason === 'expired' ? EXPIRED[link] : REFUSED[reason], issues);
}

function linkPage(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { ...formPageHeaders(createNonce()), 'x-robots-tag': 'noindex' }, body };
}

/** A page with one message: a thank-you, or (`error`) why nothing can be done. */
function messagePage(
  statusCode: number,
  title: string,
  message: string,
  status: 'info' | 'error' = 'info',
): HttpResult {
  return linkPage(statusCode, renderMessagePage({ title, message, status }));
}

export const thankYouPage = (reference: string, message: string): HttpResult =>
  messagePage(200, `Thank you — ${reference}`, message);

export const notFoundPage = (): HttpResult =>
  messagePage(404, 'Request not found', 'We could not find this request.', 'error');

/** A refusal as a page: the status the API answers it with, its message (or `message`) under `title`. */
const refusalPage = (title: string, error: DomainError, message = error.message): HttpResult =>
  messagePage(httpStatusOf(error), title, message, 'error');

/** The page of a link that cannot be used (`linkRefused`). */
export const linkRefusedPage = (link: MailLink, reason: TokenRefusal): HttpResult =>
  refusalPage('Link not usable', linkRefused(link, reason));

/** The links whose page asks one question, once per resolution. */
export type QuestionLink = Exclude<MailLink, 'needsInfo'>;

const CLOSED: Readonly<Record<QuestionLink, string>> = {
  csat: 'Survey not open',
  resolution: 'Question closed',
};

/**
 * The page of a question that can no longer be answered (the ticket is not, or no longer, resolved), or
 * not yet (`message` says why in the customer's words).
 */
export const closedPage = (link: QuestionLink, error: DomainError, message?: string): HttpResult =>
  refusalPage(CLOSED[link], error, message);

type LinkedTicket = Pick<Ticket, 'reference' | 'subject'>;
type QuestionState<A> =
  | { readonly kind: 'open' }
  | ({ readonly kind: 'answered' } & A)
  | { readonly kind: 'refused'; readonly error: DomainError };

/**
 * What a question link shows, from what its use case read (read-only): no ticket, the answer already
 * given, why the question is closed, or (`open`) the form.
 */
export function questionPage<A>(
  link: QuestionLink,
  read: { readonly ticket: LinkedTicket; readonly state: QuestionState<A> } | undefined,
  show: { readonly answered: (state: A) => string; readonly open: (ticket: LinkedTicket) => HttpResult },
): HttpResult {
  if (!read) return notFoundPage();
  const { ticket, state } = read;
  if (state.kind === 'answered') return thankYouPage(ticket.reference, show.answered(state));
  if (state.kind === 'refused') return closedPage(link, state.error);
  return show.open(ticket);
}

type PageChoice<O> = Omit<O, 'reference' | 'subject' | 'submitUrl' | 'commentMaxLength'>;

/** The survey page of `ticket`, posting to the survey API of `token`. */
export function csatPage(
  statusCode: number,
  ticket: LinkedTicket,
  token: string,
  choice: PageChoice<CsatPageOptions>,
): HttpResult {
  return linkPage(
    statusCode,
    renderCsatPage({
      reference: ticket.reference,
      subject: ticket.subject,
      submitUrl: `/v1/csat/${token}`,
      ...choice,
      commentMaxLength: CSAT_COMMENT_MAX_LENGTH,
    }),
  );
}

export const alreadyRated = (score: number): string =>
  `We already have your rating for this request: ${score} of 5.`;

/** The "is it solved?" page of `ticket`, posting to the answer API of `token`. */
export function resolutionPage(
  statusCode: number,
  ticket: LinkedTicket,
  token: string,
  choice: PageChoice<ResolutionPageOptions>,
): HttpResult {
  return linkPage(
    statusCode,
    renderResolutionPage({
      reference: ticket.reference,
      subject: ticket.subject,
      submitUrl: `/v1/resolution/${token}`,
      ...choice,
      commentMaxLength: RESOLUTION_COMMENT_MAX_LENGTH,
    }),
  );
}

const SAID: Readonly<Record<ResolutionAnswerKind, string>> = {
  solved: 'it is solved',
  not_solved: 'it is still a problem',
};

/** Why "solved" does not close an incident yet: the other requests it covers are not all resolved. */
export const INCIDENT_STILL_OPEN =
  'This request is an incident: it closes once its linked tickets are resolved, and some are still open. ' +
  'Nothing was changed; this link closes it once they are resolved.';

/** What the customer is told about their answer: what it did, or that it was already given. */
export function resolutionMessage(answer: ResolutionAnswerKind, recorded: boolean): string {
  if (!recorded) return `We already have your answer for this request: ${SAID[answer]}.`;
  return answer === 'solved'
    ? 'Glad to hear it. We have closed your request.'
    : 'Sorry to hear it. We have reopened your request and the team will be in touch.';
}
