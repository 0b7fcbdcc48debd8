import type { WorkflowConfig } from '../config';
import { type Actor, DomainError, newId, type Ticket, type TicketScope } from '../domain';
import { allowedIntents, labelIntent } from '../domain/intent-label';
import {
  encodeIntentModel,
  evaluateIntents,
  type IntentEvaluation,
  type IntentModel,
  intentText,
  type LabelledText,
  trainIntentModel,
} from '../domain/intent-model';
import {
  type Clock,
  INTENT_MODELS_PREFIX,
  type IntentLabelsPort,
  type IntentModelInfo,
  type IntentModelStorePort,
  type TicketRepositoryPort,
} from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

/** Where a model version's artifact is kept in the object store (the mail bucket; `DATA_DIR` locally). */
export const intentModelKey = (version: string): string => `${INTENT_MODELS_PREFIX}${version}.bin`;

export interface TrainIntentPorts {
  readonly labels: IntentLabelsPort;
  readonly models: IntentModelStorePort;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

export type TrainIntentResult =
  | { readonly kind: 'trained'; readonly info: IntentModelInfo }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * A model version from its training time, to the millisecond: sortable, readable in an audit entry
 * (`intent-20261206T093012345Z`), and new for every training, since readers cache a model by its version.
 */
export function intentModelVersion(at: Date): string {
  return `intent-${at.toISOString().replace(/[-:.]/g, '')}`;
}

/**
 * Trains a model on the agents' labels (weekly, and on request). Primary course: read every label (one
 * Query partition), turn each into the text the classifier reads, train, write the artifact, move the marker.
 * Too few labels (`intent.minExamples`) or fewer than two intents: nothing changes, and the result says why.
 */
export async function trainIntentFromLabels(
  ports: TrainIntentPorts,
  progress: (line: string) => void = () => {},
): Promise<TrainIntentResult> {
  const labels = await ports.labels.list((read) => progress(`read ${read} labels`));
  const examples = labels.map((l) => ({ text: intentText(l.subject, l.body), label: l.label }));
  return trainAndSaveIntentModel(examples, ports, progress);
}

/** Trains on `examples` (the labels, or a CSV `npm run intent:train -- --csv` reads) and puts the model in force. */
export async function trainAndSaveIntentModel(
  examples: readonly LabelledText[],
  ports: Pick<TrainIntentPorts, 'models' | 'clock' | 'config'>,
  progress: (line: string) => void = () => {},
): Promise<TrainIntentResult> {
  const min = ports.config.intent.minExamples;
  if (examples.length < min)
    return {
      kind: 'skipped',
      reason: `${examples.length} labelled examples; training needs at least ${min} (intent.minExamples)`,
    };
  const at = ports.clock.now();
  const version = intentModelVersion(at);
  let model: IntentModel;
  try {
    model = trainIntentModel(examples, {
      version,
      trainedAt: at,
      onProgress: (p) => progress(`${p.phase}: ${p.done}/${p.total}`),
    });
  } catch (e: unknown) {
    // The data cannot make a model (one intent only, an intent with a single example): say so, change nothing.
    if (e instanceof DomainError) return { kind: 'skipped', reason: e.message };
    throw e;
  }
  const artifact = encodeIntentModel(model);
  const info: IntentModelInfo = {
    version,
    key: intentModelKey(version),
    trainedAt: model.trainedAt,
    examples: model.examples,
    intents: [...model.intents],
    bytes: artifact.byteLength,
    ...(model.evaluation ? { evaluation: model.evaluation } : {}),
  };
  await ports.models.save(info, artifact);
  progress(
    `saved ${version}: ${info.examples} examples, ${info.intents.length} intents, ${info.bytes} bytes`,
  );
  return { kind: 'trained', info };
}

/** What leads see of the learned intent: the model in force and how its predictions fare against the labels. */
export interface IntentOverview {
  readonly model: IntentModelInfo | null;
  readonly minConfidence: number;
  readonly labels: number;
  /** The agents' labels against what the model predicted for those tickets (live precision and recall). */
  readonly quality: IntentEvaluation | null;
}

export async function intentOverview(ports: {
  readonly labels: IntentLabelsPort;
  readonly models: Pick<IntentModelStorePort, 'current'>;
  readonly config: WorkflowConfig;
}): Promise<IntentOverview> {
  const [model, labels] = await Promise.all([ports.models.current(), ports.labels.list()]);
  const judged = labels.flatMap((l) =>
    l.predicted !== undefined
      ? [{ predicted: l.predicted, actual: l.label, confidence: l.confidence ?? 0 }]
      : [],
  );
  return {
    model: model ?? null,
    minConfidence: ports.config.intent.minConfidence,
    labels: labels.length,
    quality: judged.length > 0 ? evaluateIntents(judged) : null,
  };
}

export interface LabelIntentPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append' | 'history'>;
  readonly models: Pick<IntentModelStorePort, 'current'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

/**
 * An agent confirms or corrects a ticket's intent. Primary course: read the ticket's first message (the
 * text the label teaches) and the model's intents; change the ticket as the agent (queue scope, If-Match);
 * the label item is written in the same transaction, replacing the ticket's earlier label.
 */
export async function labelTicketIntent(
  input: {
    readonly ticketId: string;
    readonly expectedVersion: number;
    readonly scope: TicketScope;
    readonly actor: Actor;
    readonly intent: string;
  },
  ports: LabelIntentPorts,
): Promise<AgentChangeResult<DomainError>> {
  const [history, model] = await Promise.all([ports.tickets.history(input.ticketId), ports.models.current()]);
  const first = history?.messages.find((m) => m.direction === 'inbound');
  const requestTypes = Object.keys(ports.config.requestTypes);
  return changeTicketAsAgent(input, ports, (ticket: Ticket) => {
    const at = ports.clock.now();
    const decided = labelIntent(ticket, input.intent, {
      actor: input.actor,
      at,
      newId: () => newId(at),
      allowed: allowedIntents(ticket, requestTypes, model?.intents ?? []),
    });
    if (!decided.ok) return decided;
    const predicted = ticket.intent?.predicted;
    return {
      ok: true,
      ticket: decided.ticket,
      audit: decided.audit,
      intentLabel: {
        ticketId: ticket.id,
        subject: ticket.subject,
        body: first?.body ?? '',
        label: decided.label.name,
        predicted: predicted?.name,
        confidence: predicted?.confidence,
        modelVersion: predicted?.modelVersion,
        by: decided.label.by,
        at: decided.label.at,
      },
    };
  });
}
