// The page the "this solved it" links of an acknowledgement open (issue 18): GET only shows the article
// and a button (mail scanners follow every link and must change nothing); the button posts a plain HTML
// form (no script) to `POST /v1/kb/solved/{token}`, which records and answers with a page. Served with the
// hosted forms' strict headers, out of search engines. Pure functions, no I/O.

import type { Ticket } from '../domain/ticket';
import type { HttpResult } from './errors';
import { createNonce, escapeHtml, formPageHeaders } from './form-page';
import { htmlDocument } from './form-page/html';

type LinkedTicket = Pick<Ticket, 'reference' | 'subject'>;

function page(statusCode: number, title: string, body: string): HttpResult {
  return {
    statusCode,
    headers: { ...formPageHeaders(createNonce()), 'x-robots-tag': 'noindex' },
    body: htmlDocument({ lang: 'en', title, body }),
  };
}

/** "Did this article solve it?": the article's link and one button; nothing is recorded until it is pressed. */
export function solvedQuestionPage(
  ticket: LinkedTicket,
  article: { readonly slug: string; readonly title: string },
  token: string,
): HttpResult {
  const e = escapeHtml;
  const body = [
    '<h1>Did this article solve your request?</h1>',
    `<p>About your request “${e(ticket.subject)}” (${e(ticket.reference)}) and the article <a href="/help/${e(article.slug)}?from=mail">${e(article.title)}</a>.</p>`,
    '<p>If it did, press the button: we resolve your request and no one needs to look at it. If not, there is nothing to do: the team will answer as usual.</p>',
    `<form method="post" action="/v1/kb/solved/${e(token)}" accept-charset="utf-8">`,
    '  <input type="hidden" name="answer" value="solved">',
    '  <button type="submit" class="button">Yes, this solved it</button>',
    '</form>',
  ].join('\n');
  return page(200, `Did this solve it? (${ticket.reference})`, body);
}

/** What the customer is told after pressing the button. */
export function solvedMessage(selfServed: boolean, recorded: boolean): string {
  if (!recorded) return 'We already have your answer: thank you.';
  return selfServed
    ? 'Glad it helped. We have resolved your request; reply to our mail if the problem comes back.'
    : 'Thank you for telling us: it helps us improve our help articles.';
}

/** The page after the button: what the answer did. */
export function solvedThankYouPage(ticket: LinkedTicket, message: string): HttpResult {
  const body = [
    `<h1>Thank you — ${escapeHtml(ticket.reference)}</h1>`,
    '<div class="notice notice-info">',
    `<p>${escapeHtml(message)}</p>`,
    '</div>',
  ].join('\n');
  return page(200, `Thank you — ${ticket.reference}`, body);
}
