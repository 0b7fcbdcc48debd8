import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { CSAT_COMMENT_MAX_LENGTH, parseCsatAnswer } from '../../shared/domain/csat';
import { type CsatLinkCheck, verifyCsatLink } from '../../shared/http/csat-link';
import { renderCsatPage } from '../../shared/http/csat-page';
import { type HttpResult, httpErrors, httpStatusOf, json } from '../../shared/http/errors';
import { createNonce, formPageHeaders, renderMessagePage } from '../../shared/http/form-page';
import { isFormPost, jsonOrFormBody, pathParameter } from '../../shared/http/request';
import { LinkRefusedError } from '../../shared/http/signed-link';
import { csatSurvey, submitCsat } from '../../shared/use-cases/submit-csat';

const ports = ticketPorts();

const linkRefusal: Record<Exclude<CsatLinkCheck, { ok: true }>['reason'], string> = {
  malformed: 'This link is incomplete. Please use the link from our mail as it is.',
  forged: 'This link is not valid. Please use the link from our mail.',
  expired: 'This survey has closed. Thank you all the same; you can always reply to our mail.',
};
const notFoundPage = () => messagePage(404, 'Request not found', 'We could not find this request.', 'error');

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
    const html = isPage || isFormPost(event);

    const check = verifyCsatLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      const refused = new LinkRefusedError(check.reason, linkRefusal[check.reason]);
      if (!html) throw refused;
      return messagePage(httpStatusOf(refused), 'Link not usable', refused.message, 'error');
    }
    const submitUrl = `/v1/csat/${token}`;

    if (isPage) {
      const survey = await csatSurvey(check.link, ports);
      if (!survey) return notFoundPage();
      const { ticket, state } = survey;
      if (state.kind === 'answered')
        return messagePage(
          200,
          `Thank you — ${ticket.reference}`,
          `We already have your rating for this request: ${state.score} of 5.`,
        );
      if (state.kind === 'refused')
        return messagePage(httpStatusOf(state.error), 'Survey not open', state.error.message, 'error');
      const preselected = Number(event.queryStringParameters?.score);
      return page(200, {
        reference: ticket.reference,
        subject: ticket.subject,
        submitUrl,
        score: Number.isInteger(preselected) ? preselected : undefined,
      });
    }

    const { isForm, input } = jsonOrFormBody(event, '{ score, comment? }');
    const parsed = parseCsatAnswer(input);
    if (!parsed.ok) {
      if (!isForm) throw new InvalidInputError(parsed.issues);
      const survey = await csatSurvey(check.link, ports);
      if (!survey) return notFoundPage();
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
      if (isForm) return notFoundPage();
      throw new NotFoundError('TICKET.NOT_FOUND', 'ticket not found');
    }
    if (result.kind === 'refused') {
      if (!isForm) throw result.error;
      return messagePage(httpStatusOf(result.error), 'Survey not open', result.error.message, 'error');
    }
    const recorded = result.kind === 'recorded';
    if (isForm)
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
