import { AgentViewSchema, ApprovalSchema, AuditEventSchema, MessageSchema, TicketSchema } from '../domain';
import * as z from '../domain/zod';
import type { FunctionSpec, HttpTrigger } from '../topology';

type Json = Record<string, unknown>;
const schema = (s: z.ZodMiniType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/** What a route answers when all goes well, where the document can say more than "JSON". */
const okBodies: Readonly<Record<string, Json>> = {
  'GET /v1/tickets/{id}': {
    type: 'object',
    properties: {
      ticket: ref('Ticket'),
      messages: { type: 'array', items: ref('Message') },
      audit: { type: 'array', items: ref('AuditEvent') },
      approvals: { type: 'array', items: ref('Approval') },
      transitions: { type: 'array', items: { type: 'string' } },
    },
  },
  'GET /v1/tickets': {
    type: 'object',
    properties: { tickets: { type: 'array', items: ref('Ticket') }, cursor: { type: 'string' } },
  },
  'GET /v1/queues/{queue}/tickets': {
    type: 'object',
    properties: { tickets: { type: 'array', items: ref('Ticket') }, cursor: { type: 'string' } },
  },
  // Automatic assignment (issue 17): the caller's profile, what setting it set off, the roster.
  'GET /v1/agents/me': { type: 'object', properties: { agent: ref('Agent') } },
  'PUT /v1/agents/me': {
    type: 'object',
    properties: {
      agent: ref('Agent'),
      handedBack: { type: 'array', items: { type: 'string' }, description: 'references handed back (away)' },
      assigned: {
        type: 'array',
        description: 'tickets the queues gave you (available)',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            ['ticketId', 'reference', 'queue', 'agent', 'strategy'].map((k) => [k, { type: 'string' }]),
          ),
        },
      },
    },
  },
  'GET /v1/agents': { type: 'object', properties: { agents: { type: 'array', items: ref('Agent') } } },
  // Knowledge base on a ticket (issue 18): published articles for its text, external ones with their page.
  'GET /v1/tickets/{id}/kb-suggestions': {
    type: 'object',
    properties: Object.fromEntries(
      ['external', 'internal'].map((audience) => [
        audience,
        {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              ...Object.fromEntries(['slug', 'title', 'audience'].map((k) => [k, { type: 'string' }])),
              score: { type: 'number' },
              requestTypes: { type: 'array', items: { type: 'string' } },
              ...(audience === 'external'
                ? {
                    url: {
                      type: 'string',
                      description: 'the help-centre page, /help/{slug} on the public URL',
                    },
                  }
                : {}),
            },
          },
        },
      ]),
    ),
  },
};

function parameters(path: string, query: z.ZodMiniType | undefined): Json[] {
  const params: Json[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (query) {
    const q = schema(query, 'input');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries((q.properties as Record<string, Json> | undefined) ?? {})) {
      params.push({ name, in: 'query', required: required.has(name), schema: s });
    }
  }
  return params;
}

/**
 * OpenAPI 3.1 for every HTTP route of the topology: request bodies and queries from the zod schemas the
 * handlers validate with (the route's `contract`), who may call each route from its `access` (`x-roles`, and
 * the 403 it answers otherwise), responses with the shared error shape.
 */
export function openApiDocument(routes: ReadonlyArray<{ fn: FunctionSpec; trigger: HttpTrigger }>): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const { fn, trigger } of routes) {
    const key = `${trigger.method} ${trigger.path}`;
    const contract = trigger.contract ?? {};
    const access = trigger.auth === 'jwt' ? trigger.access : undefined;
    const writes = trigger.method !== 'GET' && trigger.path.startsWith('/v1/tickets/{id}');
    const operation: Json = {
      operationId: `${fn.name}${trigger.method === 'GET' ? '' : `-${trigger.method.toLowerCase()}`}${
        fn.triggers.filter((t) => t.kind === 'http').length > 1
          ? `-${trigger.path.split('/').filter(Boolean).join('-').replace(/[{}]/g, '')}`
          : ''
      }`,
      summary: fn.description,
      parameters: [
        ...parameters(trigger.path, contract.query),
        ...(writes
          ? [
              {
                name: 'If-Match',
                in: 'header',
                required: true,
                schema: { type: 'string' },
                description: 'the ticket version you saw',
              },
            ]
          : []),
      ],
      ...(contract.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(contract.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [trigger.method === 'POST' && /messages|approvals$/.test(trigger.path) ? '201' : '200']: {
          description: 'done',
          content: { 'application/json': { schema: okBodies[key] ?? { type: 'object' } } },
        },
        '400': errorResponse('the request is invalid; `issues` names each problem'),
        ...(trigger.auth === 'jwt'
          ? {
              '401': errorResponse('no valid bearer token'),
              '403': errorResponse(
                'refused; `rule` names the rule (e.g. route-roles, own-queues, approver-tickets, reassign-lead)',
              ),
            }
          : {}),
        '404': errorResponse('not found'),
        ...(writes
          ? {
              '409': errorResponse('stale version; `currentVersion` says which to retry from'),
              '422': errorResponse('the workflow refuses; `rule`/`guard` names why'),
              '428': errorResponse('If-Match missing'),
            }
          : {}),
      },
      ...(trigger.auth === 'jwt'
        ? {
            security: [{ bearer: [] }],
            'x-roles': access?.roles ?? [],
            // Queue isolation: the ticket's queue decides too (agents: own queues; approvers: their approvals' tickets).
            ...(access?.scope ? { 'x-scope': access.scope } : {}),
          }
        : { security: [] }),
    };
    paths[trigger.path] = { ...paths[trigger.path], [trigger.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Frontdoor API',
      version: '1',
      description:
        'Customer-support workflow backend: signed webhooks and forms in, the agent API for agents, leads, approvers and admins. Roles are Cognito groups (agent, lead, approver-<group>, admin); `x-roles` says who may call each route, `x-scope: own-queues` that the ticket must be in one of the caller’s queues too (403 rule own-queues; approvers read only the tickets of their approvals, rule approver-tickets; searches leave other queues out).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Ticket: schema(TicketSchema, 'output'),
        Message: schema(MessageSchema, 'output'),
        AuditEvent: schema(AuditEventSchema, 'output'),
        Approval: schema(ApprovalSchema, 'output'),
        Agent: schema(AgentViewSchema, 'output'),
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            rule: { type: 'string' },
            currentVersion: { type: 'integer' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
