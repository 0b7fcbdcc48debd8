/**
 * Incidents in the workflow config: what resolving an incident does to the tickets linked to it, and the
 * request type of an incident a lead opens from a selection of tickets (shared/domain/incident.ts).
 */
import * as z from '../domain/zod';
import { snakeId } from './primitives';

/** The placeholders the linked tickets' resolution note may use. */
export const incidentNoteVariables = ['incidentReference', 'incidentTitle', 'note'] as const;

const DEFAULT_NOTE = 'Resolved with incident {{incidentReference}} ({{incidentTitle}}): {{note}}';

export const IncidentsSchema = z.object({
  /** Resolving an incident resolves its linked open tickets (each follows its own follow-up and closing). */
  resolveLinked: z._default(z.boolean(), true),
  /** The reason each linked ticket is resolved with (its audit entry, and a line of its resolution mail). */
  resolutionNote: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)), DEFAULT_NOTE),
  /** The request type of an incident opened from a selection (it asks for no context: no needs_info). */
  requestType: z._default(snakeId, 'general_question'),
});
export type IncidentsConfig = z.infer<typeof IncidentsSchema>;

export const DEFAULT_INCIDENTS: IncidentsConfig = {
  resolveLinked: true,
  resolutionNote: DEFAULT_NOTE,
  requestType: 'general_question',
};

/** Cross-checks against the rest of the config: placeholders known, the request type defined. */
export function checkIncidents(
  config: { readonly incidents: IncidentsConfig; readonly requestTypes: Readonly<Record<string, unknown>> },
  issue: (path: PropertyKey[], message: string) => void,
): void {
  for (const m of config.incidents.resolutionNote.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)) {
    const name = m[1] ?? '';
    if (!(incidentNoteVariables as readonly string[]).includes(name))
      issue(
        ['incidents', 'resolutionNote'],
        `unknown placeholder {{${name}}}; known: ${incidentNoteVariables.join(', ')}`,
      );
  }
  if (!Object.hasOwn(config.requestTypes, config.incidents.requestType))
    issue(
      ['incidents', 'requestType'],
      `unknown request type "${config.incidents.requestType}"; known: ${Object.keys(config.requestTypes).join(', ')}`,
    );
}
