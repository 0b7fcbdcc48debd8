import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { IncidentRefusedError } from '../../shared/domain/incident';
import { parseResolutionAnswer } from '../../shared/domain/resolution-answer';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import {
  closedPage,
  INCIDENT_STILL_OPEN,
  linkRefused,
  linkRefusedPage,
  notFoundPage,
  resolutionMessage,
  resolutionPage,
  thankYouPage,
} from '../../shared/http/link-pages';
import { isFormPost, jsonOrFormBody, pathParameter } from '../../shared/http/request';
import { verifyResolutionLink } from '../../shared/http/resolution-link';
import { confirmResolution, resolutionQuestion } from '../../shared/use-cases/confirm-resolution';

const ports = ticketPorts();

/**
 * The answer to the "Yes, it's solved" / "No, still a problem" links of the resolution mail (whose page is
 * `show-resolution-question`): `POST /v1/resolution/{token}` records, once per resolution, from JSON
 * (`{answer, comment?}` → JSON) or from the page's plain HTML form (urlencoded → a page): `solved` closes
 * the ticket, `not_solved` reopens it. `solved` on an incident with open linked tickets changes nothing:
 * 409 `incident_refused` naming them (JSON), or the refusal page saying it closes once they are resolved.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyResolutionLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) {
      if (!isFormPost(event)) throw linkRefused('resolution', check.reason);
      return linkRefusedPage('resolution', check.reason);
    }

    const { isForm, input } = jsonOrFormBody(event, '{ answer: "solved" | "not_solved", comment? }');
    const parsed = parseResolutionAnswer(input);
    if (!parsed.ok) {
      if (!isForm) throw new InvalidInputError(parsed.issues);
      const question = await resolutionQuestion(check.link, ports);
      if (!question) return notFoundPage();
      return resolutionPage(400, question.ticket, token, {
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
      const { error } = result;
      return closedPage(
        'resolution',
        error,
        error instanceof IncidentRefusedError ? INCIDENT_STILL_OPEN : undefined,
      );
    }
    const recorded = result.kind === 'recorded';
    const message = resolutionMessage(result.answer, recorded);
    if (isForm) return thankYouPage(result.ticket.reference, message);
    return json(200, {
      reference: result.ticket.reference,
      answer: result.answer,
      recorded,
      state: result.ticket.state,
      message,
    });
  });
