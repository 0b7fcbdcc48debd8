/**
 * Automatic assignment's public inputs over generated values (issue 17): a queue's `assignment` in the
 * workflow config is accepted or refused naming its path, never anything else; `PUT /v1/agents/me` through
 * its Lambda handler (the store stubbed, answering as DynamoDB would) never answers a 5xx, a 400 names its
 * fields, and what it accepts is what it stores and answers.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseWorkflowConfig, WorkflowConfigError, workflowConfig } from '../../shared/config';
import { AgentViewSchema } from '../../shared/domain';
import { withChange } from '../config/helpers';
import { httpEvent, lambdaContext } from '../functions/events';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 2000 }),
  fc.double(),
  fc.string(),
);

const assignment = fc.record(
  {
    strategy: fc.oneof(fc.constantFrom('manual', 'round_robin', 'load_balanced', 'capacity'), fc.string()),
    capacity: anything,
    awayHandsBack: anything,
  },
  { requiredKeys: [] },
);

describe('a queue’s assignment in the workflow config, generated', () => {
  it('is accepted as a strategy (capacity exactly for capacity) or refused naming its path', () => {
    fc.assert(
      fc.property(assignment, (spec) => {
        try {
          const config = parseWorkflowConfig(withChange(['queues', 'frontline', 'assignment'], spec));
          const parsed = config.queues.frontline?.assignment;
          expect(['manual', 'round_robin', 'load_balanced', 'capacity']).toContain(parsed?.strategy);
          expect(parsed?.capacity !== undefined).toBe(parsed?.strategy === 'capacity');
          expect(typeof parsed?.awayHandsBack).toBe('boolean');
        } catch (e: unknown) {
          expect(e).toBeInstanceOf(WorkflowConfigError);
          for (const issue of (e as WorkflowConfigError).issues)
            expect(issue.path).toMatch(/^queues\.frontline\.assignment/);
        }
      }),
      { numRuns: 400 },
    );
  });
});

const db = mockClient(DynamoDBDocumentClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;

beforeAll(async () => {
  handler = ((await import('../../functions/manage-agent/handler')) as { handler: Handler }).handler;
});

beforeEach(() => {
  db.reset();
  db.on(GetCommand).resolves({});
  db.on(QueryCommand).resolves({ Items: [] });
  // The profile as DynamoDB would hand it back (ALL_NEW): the attributes the update set.
  db.on(UpdateCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => {
    const v = input.ExpressionAttributeValues;
    return {
      Attributes: {
        id: v[':id'],
        availability: v[':availability'],
        skills: v[':skills'],
        queues: v[':queues'],
        updatedAt: v[':at'],
        lastAssigned: {},
      },
    };
  });
});

const requestTypes = Object.keys(workflowConfig.requestTypes);
const profileBody = fc.oneof(
  fc.record(
    {
      availability: fc.oneof(fc.constantFrom('available', 'away'), fc.string()),
      skills: fc.oneof(
        anything,
        fc.record(
          {
            requestTypes: fc.oneof(
              fc.array(fc.oneof(fc.constantFrom(...requestTypes), fc.string()), { maxLength: 60 }),
              anything,
            ),
            languages: fc.oneof(
              fc.array(fc.oneof(fc.constantFrom('en', 'DE', 'pt-BR', 'fr'), fc.string()), { maxLength: 25 }),
              anything,
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

describe('PUT /v1/agents/me, generated bodies', () => {
  it('never answers a 5xx; a 400 names its fields; a 200 answers the profile it stored', async () => {
    await fc.assert(
      fc.asyncProperty(profileBody, async (body) => {
        const res = await handler(
          httpEvent({
            method: 'PUT',
            path: '/v1/agents/me',
            routeKey: 'PUT /v1/agents/me',
            body: JSON.stringify(body),
            claims: {
              sub: 's-1',
              email: 'agent@example.com',
              'cognito:groups': ['agent', 'queue-frontline'],
            },
          }),
          lambdaContext,
        );
        const answer = JSON.parse(res.body) as Record<string, unknown>;
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 400) {
          expect(answer.error).toBe('validation_failed');
          expect((answer.issues as unknown[]).length).toBeGreaterThan(0);
        } else if (res.statusCode === 422) {
          expect(answer).toMatchObject({ error: 'action_refused', rule: 'skills-known' });
        } else {
          expect(res.statusCode).toBe(200);
          const agent = AgentViewSchema.parse(answer.agent);
          expect(agent).toMatchObject({
            id: 'agent@example.com',
            queues: ['frontline'],
            availability: (body as { availability: string }).availability,
          });
          expect(agent.skills.requestTypes.every((t) => requestTypes.includes(t))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
