import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formatPath } from '../config/issue-path';
import type {
  AgentActionRefusedError,
  ApprovalRefusedError,
  HandoffRefusedError,
  TransitionRefusedError,
} from '../domain';
import type { CsatRefusedError } from '../domain/csat';
import { DomainError, type InvalidInputError, type Issue } from '../domain/errors';
import type { IncidentRefusedError } from '../domain/incident';
import type { MacroRefusedError } from '../domain/macros';
import type { ErasureRefusedError } from '../domain/privacy-erasure';
import type { ResolutionAnswerRefusedError } from '../domain/resolution-answer';
import type { EscalationRefusedError } from '../use-cases/escalation';
import type { InvalidTicketIdError } from '../use-cases/get-ticket';
import type { MetricsRangeError } from '../use-cases/metrics';
import type {
  ArticleVersionConflictError,
  DomainTakenError,
  InvalidCursorError,
  UnreadableTicketError,
} from '../use-cases/ports';
import type { EmitNotAllowedError } from '../use-cases/receive-event';
import type { StaleVersionError } from '../use-cases/ticket-change';
import type { LinkRefusedError } from './signed-link';

export type { Issue };

/**
 * An error that IS an HTTP answer, for what is decided at the edge before any use case runs (the caller's
 * token and role, a webhook's signature, a path parameter, `If-Match`, a body too large): the error
 * middleware turns it into exactly this response. What the domain and the use cases decide are coded
 * errors (`DomainError`), answered from `answers` below.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const payloadTooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function toIssues(
  zodIssues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
): Issue[] {
  return zodIssues.map((i) => ({ path: i.path.length ? formatPath(i.path) : '(body)', message: i.message }));
}

/** How the API answers one error code: status, public `error` code, and what the body says beyond it. */
interface Answer {
  readonly status: number;
  readonly error: string;
  /** The body's `message`; the error's own message when not given. */
  readonly message?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

const notFound = (): Answer => ({ status: 404, error: 'not_found' });
const invalid = (path: string, message: string): Answer => ({
  status: 400,
  error: 'validation_failed',
  message: `${path}: ${message}`,
  extra: { issues: [{ path, message }] },
});
const resolutionRefused =
  (status: number, error: string) =>
  (e: ResolutionAnswerRefusedError): Answer => ({ status, error, extra: { state: e.state } });
const linkRefused =
  (status: number, error: string) =>
  (e: LinkRefusedError): Answer => ({
    status,
    error,
    extra: e.issues.length > 0 ? { issues: e.issues } : {},
  });

/**
 * THE error table: every code the domain, the use cases and their ports raise that the API answers, and
 * how (the public contract: status, `error` and body fields). A coded error not listed is our fault: 500.
 */
const answers: { readonly [code: string]: (error: never) => Answer } = {
  'INPUT.INVALID': (e: InvalidInputError) => ({
    status: 400,
    error: 'validation_failed',
    extra: { issues: e.issues },
  }),
  'API.INVALID_CURSOR': (e: InvalidCursorError) => invalid('cursor', e.message),
  'METRICS.INVALID_RANGE': (e: MetricsRangeError) => invalid('from', e.message),
  'TICKET.NOT_FOUND': notFound,
  'APPROVAL.NOT_FOUND': notFound,
  'ACCOUNT.NOT_FOUND': notFound,
  'QUEUE.NOT_FOUND': notFound,
  'FORM.NOT_FOUND': notFound,
  'ARTICLE.NOT_FOUND': notFound,
  // An update without If-Match is 428 like a ticket write; one from an older version 409 with the current one.
  'ARTICLE.STALE_VERSION': (e: ArticleVersionConflictError) =>
    e.expectedVersion === undefined
      ? {
          status: 428,
          error: 'precondition_required',
          message: `${e.message}: send If-Match: <article version> to update it`,
          extra: { currentVersion: e.currentVersion },
        }
      : { status: 409, error: 'stale_version', extra: { currentVersion: e.currentVersion } },
  'TICKET.INVALID_ID': (_: InvalidTicketIdError) => ({ status: 400, error: 'invalid_id' }),
  'TICKET.IF_MATCH_STALE': (e: StaleVersionError) => ({
    status: 409,
    error: 'stale_version',
    extra: { currentVersion: e.currentVersion },
  }),
  'TICKET.ACTION_REFUSED': (e: AgentActionRefusedError) =>
    e.kind === 'forbidden'
      ? {
          status: 403,
          error: 'forbidden',
          message: `refused by rule ${e.rule}: ${e.message}`,
          extra: { rule: e.rule },
        }
      : {
          status: 422,
          error: 'action_refused',
          extra: { rule: e.rule, ...(e.issues.length > 0 ? { issues: e.issues } : {}) },
        },
  'TICKET.INVALID_TRANSITION': (e: TransitionRefusedError) => transitionRefused(e),
  'TICKET.GUARD_FAILED': (e: TransitionRefusedError) => transitionRefused(e),
  'TICKET.HANDOFF_REFUSED': (e: HandoffRefusedError) => ({
    status: 422,
    error: 'handoff_refused',
    extra: { ...(e.rule ? { rule: e.rule } : {}), ...(e.condition ? { condition: e.condition } : {}) },
  }),
  'MACRO.NOT_FOUND': notFound,
  'EXPORT.NOT_FOUND': notFound,
  'ERASURE.NOT_FOUND': notFound,
  'ERASURE.REFUSED': (e: ErasureRefusedError) => ({
    status: 409,
    error: 'erasure_refused',
    extra: { rule: e.rule },
  }),
  'MACRO.REFUSED': (e: MacroRefusedError) => ({
    status: 422,
    error: 'macro_refused',
    extra: { rule: e.rule, macro: e.macroId, action: e.action },
  }),
  'INCIDENT.REFUSED': (e: IncidentRefusedError) => ({
    status: e.kind === 'conflict' ? 409 : 422,
    error: 'incident_refused',
    extra: { rule: e.rule, ...(e.references.length > 0 ? { references: e.references } : {}) },
  }),
  'ESCALATION.REFUSED': (_: EscalationRefusedError) => ({ status: 422, error: 'escalation_refused' }),
  'ESCALATION.NOTHING_TO_ACKNOWLEDGE': (_: EscalationRefusedError) => ({
    status: 422,
    error: 'nothing_to_acknowledge',
  }),
  'APPROVAL.REFUSED': (e: ApprovalRefusedError) => ({
    status: e.kind === 'forbidden' ? 403 : e.kind === 'conflict' ? 409 : 422,
    error: e.kind === 'forbidden' ? 'forbidden' : e.kind === 'conflict' ? 'conflict' : 'approval_refused',
    extra: { rule: e.rule },
  }),
  'RESOLUTION.NOT_RESOLVED': resolutionRefused(409, 'not_resolved'),
  'RESOLUTION.ALREADY_ANSWERED': resolutionRefused(409, 'already_answered'),
  'RESOLUTION.SUPERSEDED': resolutionRefused(410, 'resolution_superseded'),
  'CSAT.NOT_RESOLVED': (_: CsatRefusedError) => ({ status: 422, error: 'not_resolved' }),
  'CSAT.SUPERSEDED': (_: CsatRefusedError) => ({ status: 410, error: 'survey_superseded' }),
  'LINK.MALFORMED': linkRefused(400, 'link_malformed'),
  'LINK.FORGED': linkRefused(403, 'link_forged'),
  'LINK.EXPIRED': linkRefused(410, 'link_expired'),
  'ACCOUNT.DOMAIN_TAKEN': (e: DomainTakenError) => ({
    status: 409,
    error: 'domain_taken',
    extra: { domains: e.domains },
  }),
  'INTEGRATION.EMIT_NOT_ALLOWED': (_: EmitNotAllowedError) => ({ status: 403, error: 'forbidden' }),
  // Our fault, not the caller's: the stored ticket does not parse (its key and problems are logged).
  'TICKET.UNREADABLE': (e: UnreadableTicketError) => ({
    status: 500,
    error: 'unreadable_ticket',
    message: `ticket ${e.ticketId} is stored in a form that cannot be read; it needs repair`,
    extra: { ticketId: e.ticketId },
  }),
};

function transitionRefused(e: TransitionRefusedError): Answer {
  return {
    status: 422,
    error: 'transition_refused',
    extra: { code: e.code, ...(e.guard ? { guard: e.guard } : {}) },
  };
}

/** The table's answer for a coded error, if it has one. */
function answerFor(error: DomainError): Answer | undefined {
  const answer = Object.hasOwn(answers, error.code) ? answers[error.code] : undefined;
  return answer?.(error as never);
}

/** The status the API answers a coded error with (HTML pages answer with the same status as JSON). */
export function httpStatusOf(error: DomainError): number {
  return answerFor(error)?.status ?? 500;
}

interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
}

/**
 * Maps errors to responses: the ONE place the API's error answers are made. Register it FIRST in `.use(...)`
 * so middy runs its onError LAST. HttpErrors answer themselves, coded errors from the table; anything else
 * is our fault: logged, answered 500 without details.
 */
export function httpErrors(logger: ErrorLogger): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: async (request) => {
      const error: unknown = request.error;
      if (error instanceof HttpError) {
        request.response = json(error.statusCode, {
          error: error.code,
          message: error.message,
          ...error.extra,
        });
        return;
      }
      const answer = error instanceof DomainError ? answerFor(error) : undefined;
      if (answer) {
        request.response = json(answer.status, {
          error: answer.error,
          message: answer.message ?? (error as DomainError).message,
          ...answer.extra,
        });
        return;
      }
      logger.error('unhandled error', { error });
      request.response = json(500, { error: 'internal_error', message: 'Something went wrong on our side.' });
    },
  };
}
