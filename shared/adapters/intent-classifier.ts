import { decodeIntentModel, type IntentModel, intentText, predictIntent } from '../domain/intent-model';
import type { PredictedIntent } from '../domain/ticket';
import type { IntentClassifierPort, IntentModelStorePort } from '../use-cases/ports';

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The classifier intake asks (issue 19): the model in force, decoded once per execution environment and
 * again only when the marker moves to a new version (one GetItem per request, like the KB's search index).
 * No model, one that will not load, or a text unfamiliar to it is no prediction: intake goes on with the keyword rules, and
 * `onError` hears why (an artifact that fails to decode is not tried again until the marker moves).
 */
export class ModelIntentClassifier implements IntentClassifierPort {
  private loaded: { readonly version: string; readonly model: IntentModel } | undefined;
  private broken: string | undefined;

  constructor(
    private readonly models: IntentModelStorePort,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async predict(subject: string, body: string): Promise<PredictedIntent | undefined> {
    try {
      const model = await this.model();
      if (!model) return undefined;
      const p = predictIntent(model, intentText(subject, body));
      // A text unlike the training texts (a language they are not in) gets no prediction: its confidence
      // would be a guess, and the keyword rules decide as with no model.
      if (!p.familiar) return undefined;
      return {
        name: p.intent,
        confidence: round4(p.confidence),
        top: p.top.slice(0, 3).map((t) => ({ name: t.intent, confidence: round4(t.confidence) })),
        modelVersion: p.modelVersion,
      };
    } catch (e: unknown) {
      this.onError(e);
      return undefined;
    }
  }

  private async model(): Promise<IntentModel | undefined> {
    const info = await this.models.current();
    if (!info || info.version === this.broken) return undefined;
    if (this.loaded?.version !== info.version) {
      // A failed read (throttling, a timeout) is tried again on the next request: only bytes that do
      // not decode mark the version broken.
      const bytes = await this.models.read(info);
      try {
        this.loaded = { version: info.version, model: decodeIntentModel(bytes) };
      } catch (e: unknown) {
        this.broken = info.version;
        throw e;
      }
    }
    return this.loaded.model;
  }
}
