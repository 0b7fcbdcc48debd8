// The learned intent as use cases see it (issue 19): a classifier for new requests, the agents' labels the
// next model learns from, the model artifact and its marker, and the language detector. Adapters:
// intent-store.ts (the table and the object store), language-detector.ts (tinyld).
import type { IntentEvaluation } from '../../domain/intent-model';
import type { PredictedIntent } from '../../domain/ticket';

/** Key prefix of the intent models' artifacts in the object store: `<prefix><version>.bin`. */
export const INTENT_MODELS_PREFIX = 'models/intent/';

/** The intent of a new request's subject and first message, or undefined while no model exists. */
export interface IntentClassifierPort {
  predict(subject: string, body: string): Promise<PredictedIntent | undefined>;
}

/** The language of a text as an ISO 639-1 code (`de`), or undefined when it cannot tell. */
export interface LanguageDetectorPort {
  detect(text: string): Promise<string | undefined>;
}

/** One agent's label: the ticket's text as it arrived and the intent they confirmed or set. */
export interface IntentLabelRecord {
  readonly ticketId: string;
  readonly subject: string;
  /** The first message, as stored (cut at the label's limit). */
  readonly body: string;
  readonly label: string;
  /** What the model had said, if it had: the live precision and recall compare the two. */
  readonly predicted?: string | undefined;
  readonly confidence?: number | undefined;
  readonly modelVersion?: string | undefined;
  readonly by: string;
  readonly at: string;
}

export interface IntentLabelsPort {
  /** Every label, oldest first; `onPage` hears the count read so far (training shows progress). */
  list(onPage?: (read: number) => void): Promise<IntentLabelRecord[]>;
}

/** What the marker says about the model in force (everything but its weights). */
export interface IntentModelInfo {
  readonly version: string;
  /** Where the artifact lives in the object store. */
  readonly key: string;
  readonly trainedAt: string;
  readonly examples: number;
  readonly intents: readonly string[];
  readonly bytes: number;
  readonly evaluation?: IntentEvaluation | undefined;
}

export interface IntentModelStorePort {
  /** The marker of the model in force (one read), or undefined while none was ever trained. */
  current(): Promise<IntentModelInfo | undefined>;
  /** The artifact the marker points to. */
  read(info: IntentModelInfo): Promise<Uint8Array>;
  /** Writes the artifact under `info.key`, then moves the marker to it (readers never see a half-written model). */
  save(info: IntentModelInfo, artifact: Uint8Array): Promise<void>;
}

/** Asks for a new model: training runs in the background (the intent-training queue). */
export interface IntentTrainingRequestsPort {
  request(by: string): Promise<void>;
}
