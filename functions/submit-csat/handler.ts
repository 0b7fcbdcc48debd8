import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { systemClock } from '../../shared/adapters/clock';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { CSAT_COMMENT_MAX_LENGTH, type CsatRefusedError, parseCsatAnswer } from '../../shared/domain/csat';
import { type CsatLinkCheck, verifyCsatLink } from '../../shared/http/csat-link';
import { renderCsatPage } from '../../shared/http/csat-page';
import {
  HttpError,
  type HttpResult,
  httpErrors,
  json,
  notFound,
  ValidationFailedError,
} from '../../shared/http/errors';
import { createNonce, formPageHeaders, renderMessagePage } from '../../shared/http/form-page';
import { header, parseJsonBody, pathParameter, rawBody } from '../../shared/http/request';
import { csatSurvey, submitCsat } from '../../shared/use-cases/submit-csat';

const ports = ticketPorts();

const linkRefusal: Record<Exclude<CsatLinkCheck, { ok: true }>['reason'], [number, string]> = {
  malformed: [400, 'This link is incomplete. Please use the link from our mail as it is.'],
  forged: [403, 'This link is not valid. Please use the link from our mail.'],
  expired: [410, 'This survey has closed. Thank you all the same; you can always reply to our mail.'],
};
const surveyRefusal = (error: CsatRefusedError): [number, string] =>
  error.code === 'CSAT.SUPERSEDED' ? [410, 'survey_superseded'] : [422, 'not_resolved'];

/**
 * The survey link of the resolution mail. `GET /csat/{token}?score=n` only SHOWS a confirmation page with
 * that score preselected; it never records: mail scanners and link previews fetch every link in a mail,
 * and would otherwise rate every ticket for the customer. `POST /v1/csat/{token}` records, from JSON
 * (`{score, comment?}` → JSON) or from the page's plain HTML form (urlencoded → a thank-you page).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const isPage = event.routeKey.startsWith('GET ');
    const isFormPost =
      !isPage && /^application\/x-www-form-urlencoded\b/i.test(header(event, 'content-type') ?? '');
    const html = isPage || isFormPost;

    const check = verifyCsatLink(await linkSecret(), token, systemClock.now());
    if (!check.ok) {
      const [status, message] = linkRefusal[check.reason];
      if (!html) throw new HttpError(status, `link_${check.reason}`, message);
      return messagePage(status, 'Link not usable', message, 'error');
    }
    const submitUrl = `/v1/csat/${token}`;

    if (isPage) {
      const survey = await csatSurvey(check.link, ports);
      if (!survey) return messagePage(404, 'Request not found', 'We could not find this request.', 'error');
      const { ticket, state } = survey;
      if (state.kind === 'answered')
        return messagePage(
          200,
          `Thank you — ${ticket.reference}`,
          `We already have your rating for this request: ${state.score} of 5.`,
        );
      if (state.kind === 'refused')
        return messagePage(surveyRefusal(state.error)[0], 'Survey not open', state.error.message, 'error');
      const preselected = Number(event.queryStringParameters?.score);
      return page(200, {
        reference: ticket.reference,
        subject: ticket.subject,
        submitUrl,
        score: Number.isInteger(preselected) ? preselected : undefined,
      });
    }

    const raw = rawBody(event);
    const input = isFormPost
      ? Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
      : (parseJsonBody(raw) as { score?: unknown; comment?: unknown } | null);
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new ValidationFailedError([{ path: '(body)', message: 'must be an object { score, comment? }' }]);
    const parsed = parseCsatAnswer(input);
    if (!parsed.ok) {
      if (!isFormPost) throw new ValidationFailedError(parsed.issues);
      const survey = await csatSurvey(check.link, ports);
      if (!survey) return messagePage(404, 'Request not found', 'We could not find this request.', 'error');
      return page(400, {
        reference: survey.ticket.reference,
        subject: survey.ticket.subject,
        submitUrl,
        score: Number(input.score),
        comment: typeof input.comment === 'string' ? input.comment : undefined,
        issues: parsed.issues,
      });
    }

    const result = await submitCsat({ link: check.link, answer: parsed.answer }, ports);
    if (result.kind === 'not_found') {
      if (isFormPost)
        return messagePage(404, 'Request not found', 'We could not find this request.', 'error');
      throw notFound('ticket not found');
    }
    if (result.kind === 'refused') {
      const [status, code] = surveyRefusal(result.error);
      if (isFormPost) return messagePage(status, 'Survey not open', result.error.message, 'error');
      throw new HttpError(status, code, result.error.message);
    }
    const recorded = result.kind === 'recorded';
    if (isFormPost)
      return messagePage(
        200,
        `Thank you — ${result.ticket.reference}`,
        recorded
          ? `We have recorded your rating: ${result.score} of 5. It helps us get better.`
          : `We already have your rating for this request: ${result.score} of 5.`,
      );
    return json(200, { reference: result.ticket.reference, score: result.score, recorded });
  });

function page(
  statusCode: number,
  opts: Omit<Parameters<typeof renderCsatPage>[0], 'commentMaxLength'>,
): HttpResult {
  return {
    statusCode,
    headers: { ...formPageHeaders(createNonce()), 'x-robots-tag': 'noindex' },
    body: renderCsatPage({ ...opts, commentMaxLength: CSAT_COMMENT_MAX_LENGTH }),
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
