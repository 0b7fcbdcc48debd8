import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import {
  parseResolutionAnswer,
  RESOLUTION_COMMENT_MAX_LENGTH,
  type ResolutionAnswerKind,
} from '../../shared/domain/resolution-answer';
import { type HttpResult, httpErrors, httpStatusOf, json } from '../../shared/http/errors';
import { createNonce, formPageHeaders, renderMessagePage } from '../../shared/http/form-page';
import { isFormPost, jsonOrFormBody, pathParameter } from '../../shared/http/request';
import { type ResolutionLinkCheck, verifyResolutionLink } from '../../shared/http/resolution-link';
import { renderResolutionPage } from '../../shared/http/resolution-page';
import { LinkRefusedError } from '../../shared/http/signed-link';
import { confirmResolution, resolutionQuestion } from '../../shared/use-cases/confirm-resolution';

const ports = ticketPorts();

const linkRefusal: Record<Exclude<ResolutionLinkCheck, { ok: true }>['reason'], string> = {
  malformed: 'This link is incomplete. Please use the link from our mail as it is.',
  forged: 'This link is not valid. Please use the link from our mail.',
  expired: 'This link has expired. If something is still not right, reply to our mail.',
};
const notFoundPage = () => messagePage(404, 'Request not found', 'We could not find this request.', 'error');
const said: Record<ResolutionAnswerKind, string> = {
  solved: 'it is solved',
  not_solved: 'it is still a problem',
};

/**
 * The "Yes, it's solved" / "No, still a problem" links of the resolution mail. `GET /resolution/{token}
 * ?answer=…` only SHOWS a page with that answer preselected; it never records (mail scanners and link
 * previews fetch every link in a mail, and would otherwise close every ticket for the customer).
 * `POST /v1/resolution/{token}` records, from JSON (`{answer, comment?}` → JSON) or from the page's plain
 * HTML form (urlencoded → a page): `solved` closes the ticket, `not_solved` reopens it.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const isPage = event.routeKey.startsWith('GET ');
    const html = isPage || isFormPost(event);

    const check = verifyResolutionLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      const refused = new LinkRefusedError(check.reason, linkRefusal[check.reason], [
        { path: 'token', message: `the link is ${check.reason}` },
      ]);
      if (!html) throw refused;
      return messagePage(httpStatusOf(refused), 'Link not usable', refused.message, 'error');
    }
    const submitUrl = `/v1/resolution/${token}`;

    if (isPage) {
      const question = await resolutionQuestion(check.link, ports);
      if (!question) return notFoundPage();
      const { ticket, state } = question;
      if (state.kind === 'answered')
        return messagePage(
          200,
          `Thank you — ${ticket.reference}`,
          `We already have your answer for this request: ${said[state.answer]}.`,
        );
      if (state.kind === 'refused')
        return messagePage(httpStatusOf(state.error), 'Question closed', state.error.message, 'error');
      return page(200, {
        reference: ticket.reference,
        subject: ticket.subject,
        submitUrl,
        answer: event.queryStringParameters?.answer,
      });
    }

    const { isForm, input } = jsonOrFormBody(event, '{ answer: "solved" | "not_solved", comment? }');
    const parsed = parseResolutionAnswer(input);
    if (!parsed.ok) {
      if (!isForm) throw new InvalidInputError(parsed.issues);
      const question = await resolutionQuestion(check.link, ports);
      if (!question) return notFoundPage();
      return page(400, {
        reference: question.ticket.reference,
        subject: question.ticket.subject,
        submitUrl,
        answer: typeof input.answer === 'string' ? input.answer : undefined,
        comment: typeof input.comment === 'string' ? input.comment : undefined,
        issues: parsed.issues,
      });
    }

    const result = await confirmResolution({ link: check.link, answer: parsed.answer }, ports);
    if (result.kind === 'not_found') {
      if (isForm) return notFoundPage();
      throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
    }
    if (result.kind === 'refused') {
      if (!isForm) throw result.error;
      return messagePage(httpStatusOf(result.error), 'Question closed', result.error.message, 'error');
    }
    const recorded = result.kind === 'recorded';
    const message = !recorded
      ? `We already have your answer for this request: ${said[result.answer]}.`
      : result.answer === 'solved'
        ? 'Glad to hear it. We have closed your request.'
        : 'Sorry to hear it. We have reopened your request and the team will be in touch.';
    if (isForm) return messagePage(200, `Thank you — ${result.ticket.reference}`, message);
    return json(200, {
      reference: result.ticket.reference,
      answer: result.answer,
      recorded,
      state: result.ticket.state,
      message,
    });
  });

function page(
  statusCode: number,
  opts: Omit<Parameters<typeof renderResolutionPage>[0], 'commentMaxLength'>,
): HttpResult {
  return {
    statusCode,
    headers: { ...formPageHeaders(createNonce()), 'x-robots-tag': 'noindex' },
    body: renderResolutionPage({ ...opts, commentMaxLength: RESOLUTION_COMMENT_MAX_LENGTH }),
  };
}

function messagePage(
  statusCode: number,
  title: string,
  message: string,
  status: 'info' | 'error' = 'info',
): HttpResult {
  return {
    statusCode,
    headers: { ...formPageHeaders(createNonce()), 'x-robots-tag': 'noindex' },
    body: renderMessagePage({ title, message, status }),
  };
}
