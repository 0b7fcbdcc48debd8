/**
 * The one error table: a coded error thrown anywhere under a handler is answered with the status, `error`
 * code and body fields of the public contract; an HttpError answers itself; anything else is a 500 that
 * tells the caller nothing.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  AgentActionRefusedError,
  ApprovalRefusedError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  TransitionRefusedError,
} from '../../shared/domain';
import { CsatRefusedError } from '../../shared/domain/csat';
import { ResolutionAnswerRefusedError } from '../../shared/domain/resolution-answer';
import { HttpError, type HttpResult, httpErrors, httpStatusOf } from '../../shared/http/errors';
import { LinkRefusedError } from '../../shared/http/signed-link';
import { EscalationRefusedError } from '../../shared/use-cases/escalation';
import { InvalidTicketIdError } from '../../shared/use-cases/get-ticket';
import { MetricsRangeError } from '../../shared/use-cases/metrics';
import { DomainTakenError, InvalidCursorError, UnreadableTicketError } from '../../shared/use-cases/ports';
import { StaleVersionError } from '../../shared/use-cases/ticket-change';
import { httpEvent } from '../functions/events';

const logged: unknown[] = [];
const logger = { error: (_message: string, extra: unknown) => logged.push(extra) };

/** What a handler that throws `error` answers. */
async function answerTo(error: unknown): Promise<{ status: number | undefined; body: unknown }> {
  const handler = middy<APIGatewayProxyEventV2, HttpResult>()
    .use(httpErrors(logger))
    .handler(async () => {
      throw error;
    });
  const event = httpEvent({ method: 'GET', path: '/x', routeKey: 'GET /x' });
  const result = (await handler(event, {} as never)) as HttpResult;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) };
}

class UnlistedError extends DomainError {
  readonly code = 'NOBODY.KNOWS_ME';
}

describe('the error middleware', () => {
  it('answers invalid input 400 validation_failed with every issue', async () => {
    const issues = [{ path: 'fields.riskLevel', message: 'must be one of low, high' }];
    expect(await answerTo(new InvalidInputError(issues))).toEqual({
      status: 400,
      body: { error: 'validation_failed', message: 'fields.riskLevel: must be one of low, high', issues },
    });
  });

  it('answers a cursor it did not issue as a validation failure naming the cursor', async () => {
    expect(await answerTo(new InvalidCursorError('the cursor is not one this API issued'))).toEqual({
      status: 400,
      body: {
        error: 'validation_failed',
        message: 'cursor: the cursor is not one this API issued',
        issues: [{ path: 'cursor', message: 'the cursor is not one this API issued' }],
      },
    });
  });

  it('answers a metrics range it cannot read as a validation failure naming from', async () => {
    const { body } = await answerTo(new MetricsRangeError('from must not be after to'));
    expect(body).toMatchObject({ error: 'validation_failed', issues: [{ path: 'from' }] });
  });

  it('answers what does not exist 404 not_found with its message', async () => {
    expect(await answerTo(new NotFoundError('TICKET.NOT_FOUND', 'ticket FD-9 not found'))).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'ticket FD-9 not found' },
    });
  });

  it('answers an id that is no ticket id 400 invalid_id', async () => {
    expect(await answerTo(new InvalidTicketIdError('nope'))).toMatchObject({
      status: 400,
      body: { error: 'invalid_id' },
    });
  });

  it('answers a stale If-Match 409 with the version to retry from', async () => {
    expect(await answerTo(new StaleVersionError(7))).toEqual({
      status: 409,
      body: { error: 'stale_version', message: 'the ticket is at version 7', currentVersion: 7 },
    });
  });

  it('answers an agent action refused for who may 403 naming the rule, and otherwise 422', async () => {
    expect(await answerTo(new AgentActionRefusedError('reassign-lead', 'forbidden', 'leads only'))).toEqual({
      status: 403,
      body: {
        error: 'forbidden',
        message: 'refused by rule reassign-lead: leads only',
        rule: 'reassign-lead',
      },
    });
    expect(await answerTo(new AgentActionRefusedError('ticket-open', 'invalid', 'closed'))).toEqual({
      status: 422,
      body: { error: 'action_refused', message: 'closed', rule: 'ticket-open' },
    });
  });

  it('answers a refused transition 422 with the domain code and the guard', async () => {
    const error = new TransitionRefusedError('TICKET.GUARD_FAILED', 'new', 'resolved', 'no reply', 'replied');
    expect(await answerTo(error)).toEqual({
      status: 422,
      body: {
        error: 'transition_refused',
        message: 'no reply',
        code: 'TICKET.GUARD_FAILED',
        guard: 'replied',
      },
    });
  });

  it('answers an approval refusal by its kind: 403, 409 or 422, naming the rule', async () => {
    const statuses = await Promise.all(
      (['forbidden', 'conflict', 'invalid'] as const).map(async (kind) => {
        const { status, body } = await answerTo(new ApprovalRefusedError('r', kind, 'no'));
        return [status, (body as { error: string }).error];
      }),
    );
    expect(statuses).toEqual([
      [403, 'forbidden'],
      [409, 'conflict'],
      [422, 'approval_refused'],
    ]);
  });

  it('answers an escalation with nothing to do 422, worded by what was asked', async () => {
    expect(await answerTo(new EscalationRefusedError('ESCALATION.NOTHING_TO_ACKNOWLEDGE', 'none'))).toEqual({
      status: 422,
      body: { error: 'nothing_to_acknowledge', message: 'none' },
    });
  });

  it('answers refused survey and resolution answers with the statuses the links promise', async () => {
    expect((await answerTo(new CsatRefusedError('CSAT.SUPERSEDED', 'x'))).status).toBe(410);
    expect((await answerTo(new CsatRefusedError('CSAT.NOT_RESOLVED', 'x'))).status).toBe(422);
    expect(
      await answerTo(new ResolutionAnswerRefusedError('RESOLUTION.ALREADY_ANSWERED', 'closed', 'x')),
    ).toEqual({
      status: 409,
      body: { error: 'already_answered', message: 'x', state: 'closed' },
    });
  });

  it('answers an unusable link by why, and gives HTML pages the same status', async () => {
    const expired = new LinkRefusedError('expired', 'This link has expired.');
    expect(await answerTo(expired)).toEqual({
      status: 410,
      body: { error: 'link_expired', message: 'This link has expired.' },
    });
    expect(httpStatusOf(expired)).toBe(410);
    expect(httpStatusOf(new LinkRefusedError('forged', 'x'))).toBe(403);
  });

  it('answers a domain already taken 409 naming the domains', async () => {
    expect(await answerTo(new DomainTakenError(['example.com']))).toMatchObject({
      status: 409,
      body: { error: 'domain_taken', domains: ['example.com'] },
    });
  });

  it('answers an unreadable stored ticket 500 naming the ticket, as our fault', async () => {
    expect(await answerTo(new UnreadableTicketError('01TICKET', ['requester.name: too short']))).toEqual({
      status: 500,
      body: {
        error: 'unreadable_ticket',
        ticketId: '01TICKET',
        message: 'ticket 01TICKET is stored in a form that cannot be read; it needs repair',
      },
    });
  });

  it('lets an HttpError answer itself', async () => {
    expect(await answerTo(new HttpError(428, 'precondition_required', 'send If-Match'))).toEqual({
      status: 428,
      body: { error: 'precondition_required', message: 'send If-Match' },
    });
  });

  it('answers a coded error the table does not list, and any other error, 500 without details', async () => {
    for (const error of [new UnlistedError('secret detail'), new Error('secret detail')]) {
      expect(await answerTo(error)).toEqual({
        status: 500,
        body: { error: 'internal_error', message: 'Something went wrong on our side.' },
      });
    }
    expect(logged).toHaveLength(2);
  });
});
