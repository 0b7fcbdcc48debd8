import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { parseCsatAnswer } from '../../shared/domain/csat';
import { verifyCsatLink } from '../../shared/http/csat-link';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import {
  alreadyRated,
  closedPage,
  csatPage,
  linkRefused,
  linkRefusedPage,
  notFoundPage,
  thankYouPage,
} from '../../shared/http/link-pages';
import { isFormPost, jsonOrFormBody, pathParameter } from '../../shared/http/request';
import { csatSurvey, submitCsat } from '../../shared/use-cases/submit-csat';

const ports = ticketPorts();

/**
 * The answer to the survey link of the resolution mail (whose page is `show-csat-survey`):
 * `POST /v1/csat/{token}` records, once per resolution, from JSON (`{score, comment?}` → JSON) or from the
 * page's plain HTML form (urlencoded → a thank-you page, or the page again with what was wrong).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyCsatLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      if (!isFormPost(event)) throw linkRefused('csat', check.reason);
      return linkRefusedPage('csat', check.reason);
    }

    const { isForm, input } = jsonOrFormBody(event, '{ score, comment? }');
    const parsed = parseCsatAnswer(input);
    if (!parsed.ok) {
      if (!isForm) throw new InvalidInputError(parsed.issues);
      const survey = await csatSurvey(check.link, ports);
      if (!survey) return notFoundPage();
      return csatPage(400, survey.ticket, token, {
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
      return closedPage('csat', result.error);
    }
    const recorded = result.kind === 'recorded';
    if (isForm)
      return thankYouPage(
        result.ticket.reference,
        recorded
          ? `We have recorded your rating: ${result.score} of 5. It helps us get better.`
          : alreadyRated(result.score),
      );
    return json(200, { reference: result.ticket.reference, score: result.score, recorded });
  });
