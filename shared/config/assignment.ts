/**
 * How a queue's tickets find an owner (issue 17, automatic assignment): `manual` (agents take them, as
 * before), `round_robin` (the available agent assigned longest ago), `load_balanced` (the available agent
 * with the fewest open tickets) or `capacity` (at most `capacity` open tickets per agent; the rest wait
 * unassigned until capacity frees). `awayHandsBack`: an agent who goes away hands their open tickets of
 * this queue back to it, unassigned.
 */
import * as z from '../domain/zod';

export const assignmentStrategies = ['manual', 'round_robin', 'load_balanced', 'capacity'] as const;

export const AssignmentSpecSchema = z
  .object({
    strategy: z.enum(assignmentStrategies, {
      error: `must be one of ${assignmentStrategies.join(', ')}`,
    }),
    /** Open tickets per agent at most (strategy `capacity` only). */
    capacity: z.optional(z.int({ error: 'must be a whole number' }).check(z.minimum(1), z.maximum(1000))),
    awayHandsBack: z._default(z.boolean(), false),
  })
  .check(
    z.superRefine((spec, ctx) => {
      if (spec.strategy === 'capacity' && spec.capacity === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['capacity'],
          input: spec,
          message: "strategy 'capacity' needs a capacity: the open tickets an agent may hold at most",
        });
      if (spec.strategy !== 'capacity' && spec.capacity !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['capacity'],
          input: spec,
          message: `a capacity applies only to strategy 'capacity', not '${spec.strategy}'`,
        });
    }),
  );
export type AssignmentSpec = z.infer<typeof AssignmentSpecSchema>;

/** What a queue without an `assignment` does: today's behaviour, agents take tickets themselves. */
export const MANUAL_ASSIGNMENT: AssignmentSpec = { strategy: 'manual', awayHandsBack: false };
