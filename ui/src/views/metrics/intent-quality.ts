/**
 * Intent quality (issue 19): the model that predicts each new ticket's intent (`GET /v1/intent`), how its
 * predictions fare against the intents agents confirmed or corrected (live precision and recall per intent)
 * and on the data held out when it was trained, and "Retrain now" (`POST /v1/intent/training`), which
 * trains a new model from the labels in the background.
 */
import type { App } from '../../app';
import { h, uid } from '../../dom';
import { formatDateTime, intentName } from '../../format';
import { announce, clearError, showError } from '../../messages';
import type { IntentFigures, IntentQualityFigures, IntentStatus } from '../../types';
import { integer, percent } from './format';

type Cell = string | number | null;

/**
 * One row per intent: the live figures (agents' labels) and the held-out ones beside them, most labelled
 * first, then by name. An intent missing on one side shows dashes there.
 */
export function perIntentRows(
  live: readonly IntentFigures[] | undefined,
  heldOut: readonly IntentFigures[] | undefined,
): Array<{ intent: string; live?: IntentFigures; heldOut?: IntentFigures }> {
  const byName = new Map<string, { intent: string; live?: IntentFigures; heldOut?: IntentFigures }>();
  for (const f of live ?? []) byName.set(f.intent, { intent: f.intent, live: f });
  for (const f of heldOut ?? [])
    byName.set(f.intent, { ...byName.get(f.intent), intent: f.intent, heldOut: f });
  return [...byName.values()].sort(
    (a, b) =>
      (b.live?.support ?? 0) - (a.live?.support ?? 0) ||
      (b.heldOut?.support ?? 0) - (a.heldOut?.support ?? 0) ||
      a.intent.localeCompare(b.intent),
  );
}

const rate = (n: number | undefined): string => (n === undefined ? '—' : percent(n));

function table(caption: string, columns: readonly string[], rows: ReadonlyArray<readonly Cell[]>): Node {
  return h(
    'div',
    // A long list scrolls inside its box: focusable, so a keyboard scrolls it too.
    { class: 'table-wrap intent-table', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'data' },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : undefined }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((v, i) =>
              i === 0
                ? h('th', { scope: 'row' }, String(v ?? ''))
                : h('td', { class: 'num' }, v === null ? '—' : String(v)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Accuracy, macro-F1 and coverage at 95 % precision, for the labels and for the held-out data. */
function overall(status: IntentStatus): Node | null {
  const sets: Array<[string, IntentQualityFigures]> = [];
  if (status.quality) sets.push(['Agents’ labels (live)', status.quality]);
  if (status.model?.evaluation) sets.push(['Held out at training', status.model.evaluation]);
  if (!sets.length) return null;
  return table(
    'Overall',
    ['Measured on', 'Accuracy', 'Macro-F1', 'Coverage at 95 % precision'],
    sets.map(([name, q]) => [
      name,
      percent(q.accuracy),
      percent(q.macroF1),
      percent(q.coverageAtPrecision95),
    ]),
  );
}

function perIntent(status: IntentStatus, typeLabel: ReadonlyMap<string, string>): Node | null {
  const evaluation = status.model?.evaluation;
  const rows = perIntentRows(status.quality?.perIntent, evaluation?.perIntent);
  if (!rows.length) return null;
  const liveColumns = ['Precision (labels)', 'Recall (labels)', 'Labelled'];
  const heldOutColumns = ['Precision (held out)', 'Recall (held out)', 'Held-out items'];
  return table(
    'Per intent',
    ['Intent', ...(status.quality ? liveColumns : []), ...(evaluation ? heldOutColumns : [])],
    rows.map((r) => [
      intentName(r.intent, typeLabel),
      ...(status.quality
        ? [rate(r.live?.precision), rate(r.live?.recall), integer.format(r.live?.support ?? 0)]
        : []),
      ...(evaluation
        ? [rate(r.heldOut?.precision), rate(r.heldOut?.recall), integer.format(r.heldOut?.support ?? 0)]
        : []),
    ]),
  );
}

/** The model's facts at a glance. */
function modelFacts(status: IntentStatus): Node {
  const item = (term: string, value: string) =>
    h('div', { class: 'tile' }, h('dt', {}, term), h('dd', {}, value));
  const { model } = status;
  return h(
    'dl',
    { class: 'tiles intent-facts', 'aria-label': 'The intent model' },
    model ? item('Model version', model.version) : null,
    model ? item('Trained', formatDateTime(model.trainedAt)) : null,
    model ? item('Training examples', integer.format(model.examples)) : null,
    model ? item('Intents', integer.format(model.intents.length)) : null,
    item('Agents’ labels', integer.format(status.labels)),
    item('Acts at confidence', `≥ ${percent(status.minConfidence)}`),
  );
}

/**
 * The section (full width, below the charts): no model yet says so and still offers to train one; the
 * figures follow the facts; "Retrain now" reports the request in its own live region.
 */
export function intentQualitySection(
  app: App,
  status: IntentStatus,
  typeLabel: ReadonlyMap<string, string>,
): HTMLElement {
  const titleId = uid('metrics-intent');
  const slot = h('div', { class: 'error-slot' });
  const result = h('p', { class: 'updated', role: 'status', 'data-testid': 'intent-retrain-status' });
  const retrain: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'button',
      id: 'intent-retrain',
      onclick: async () => {
        retrain.disabled = true;
        retrain.setAttribute('aria-busy', 'true');
        clearError(slot);
        result.textContent = '';
        try {
          await app.api.retrainIntent();
          result.textContent =
            'Retraining requested. The new model predicts the tickets that arrive once it is trained; reload this page to see it.';
          announce('Retraining requested.');
        } catch (e: unknown) {
          showError(slot, e, 'request a retraining');
        } finally {
          retrain.disabled = false;
          retrain.removeAttribute('aria-busy');
        }
      },
    },
    status.model ? 'Retrain now' : 'Train now',
  );
  const noLabels = !status.quality
    ? h(
        'p',
        { class: 'hint' },
        'No live figures yet: they come from the intents agents confirm or correct on tickets.',
      )
    : null;
  return h(
    'section',
    { class: 'chart-card intent-quality', 'aria-labelledby': titleId, 'data-chart': 'intent' },
    h('h2', { id: titleId }, 'Intent quality'),
    h(
      'p',
      { class: 'hint' },
      'The model that predicts a new ticket’s intent at intake, and how its predictions compare with the intents agents confirmed or corrected. Rules and intake act on a prediction only at or above the confidence below; the labels train the next model.',
    ),
    status.model
      ? null
      : h(
          'p',
          { class: 'empty', 'data-testid': 'intent-no-model' },
          'No model yet: tickets get no predicted intent and the keyword rules decide. Train one once agents have labelled enough tickets (or from a CSV with npm run intent:train).',
        ),
    modelFacts(status),
    status.model ? noLabels : null,
    overall(status),
    perIntent(status, typeLabel),
    h('div', { class: 'chart-actions' }, retrain),
    slot,
    result,
  );
}
