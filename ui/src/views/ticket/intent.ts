/**
 * The predicted intent (issue 19): what the model made of the ticket at intake, how sure it was, its other
 * guesses and which model it was; an agent confirms it in one click or corrects it to another name, and that
 * label is what the next training learns from. A ticket without a prediction (no model yet when it arrived,
 * or a text unlike the model's training texts) shows the panel only to those who may label it, with a
 * "Label as" choice: that is how a team's first model gets its examples.
 */
import { h } from '../../dom';
import { intentName as nameOf, relativeTime } from '../../format';
import type { IntentLabel, Ticket, TicketIntent } from '../../types';
import { act, type Ctx, panel } from './section';

/** The names an agent may label with: the request types (label by name) and the prediction's guesses. */
export interface IntentNames {
  /** Request type → its form's label ("billing_dispute" → "Billing dispute"). */
  readonly labels: ReadonlyMap<string, string>;
}

const intentName = (name: string, names: IntentNames): string => nameOf(name, names.labels);

/**
 * The ticket's predicted intent with its label, flat as the panel reads it; `undefined` without a prediction
 * (no model at intake, or a server without intents). Reads the answer's `{ name, confidence, top,
 * modelVersion, label? }` and, as tickets store it, `{ predicted: { name, … }, label? }`.
 */
export function ticketIntent(ticket: Ticket): TicketIntent | undefined {
  const raw = (ticket as { intent?: unknown }).intent;
  if (!raw || typeof raw !== 'object') return undefined;
  const stored = raw as Partial<TicketIntent> & { predicted?: Partial<TicketIntent>; label?: IntentLabel };
  const p = stored.predicted ?? stored;
  if (typeof p.name !== 'string' || typeof p.confidence !== 'number') return undefined;
  return {
    name: p.name,
    confidence: p.confidence,
    top: p.top ?? [],
    modelVersion: p.modelVersion ?? '',
    ...(stored.label ? { label: stored.label } : {}),
  };
}

/** The label of a ticket that has no prediction (an agent labelled it anyway), if any. */
export function labelWithoutPrediction(ticket: Ticket): IntentLabel | undefined {
  const raw = (ticket as { intent?: unknown }).intent;
  if (!raw || typeof raw !== 'object') return undefined;
  const label = (raw as { label?: Partial<IntentLabel> }).label;
  return label &&
    typeof label.name === 'string' &&
    typeof label.by === 'string' &&
    typeof label.at === 'string'
    ? { name: label.name, by: label.by, at: label.at }
    : undefined;
}

/** "87 %": confidences are calibrated probabilities, whole percents are as precise as they are. */
export const confidencePercent = (confidence: number): string =>
  `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)} %`;

/**
 * What the label says in words: "Confirmed by …" when the agent kept the prediction, "Corrected to … by …"
 * when they chose another name, `undefined` while nobody has labelled it.
 */
export function labelText(intent: TicketIntent, names: IntentNames, now?: number): string | undefined {
  const { label } = intent;
  if (!label) return undefined;
  const when = relativeTime(label.at, now);
  return label.name === intent.name
    ? `Confirmed by ${label.by}, ${when}.`
    : `Corrected to ${intentName(label.name, names)} by ${label.by}, ${when}.`;
}

/**
 * The names offered for a correction, the prediction's other guesses first, then every request type by its
 * label; never the intent the ticket has now (the label's, else the prediction's).
 */
export function correctionChoices(
  intent: TicketIntent,
  names: IntentNames,
): { likely: string[]; requestTypes: string[] } {
  const current = intent.label?.name ?? intent.name;
  const likely = [...new Set([intent.name, ...intent.top.map((t) => t.name)])].filter((n) => n !== current);
  const requestTypes = [...names.labels.keys()]
    .filter((n) => n !== current && !likely.includes(n))
    .sort((a, b) => intentName(a, names).localeCompare(intentName(b, names)));
  return { likely, requestTypes };
}

/** The panel; `mayLabel` says whether this caller may confirm or correct (the API decides in the end). */
export function intentSection(ctx: Ctx, names: IntentNames, mayLabel: boolean): HTMLElement | null {
  const { app, ticket } = ctx;
  const intent = ticketIntent(ticket);
  if (!intent) return unpredictedSection(ctx, names, mayLabel);
  const others = intent.top.filter((t) => t.name !== intent.name);
  const label = labelText(intent, names);
  const predicted = h(
    'p',
    { class: 'intent-predicted', id: 'intent-predicted', 'data-testid': 'intent-predicted' },
    'Predicted: ',
    h('strong', { 'data-intent': intent.name }, intentName(intent.name, names)),
    ` · ${confidencePercent(intent.confidence)} confident`,
  );
  const children: Array<Node | null> = [
    predicted,
    others.length
      ? h(
          'p',
          { class: 'intent-others', 'data-testid': 'intent-others' },
          'Also likely: ',
          others.map((t) => `${intentName(t.name, names)} (${confidencePercent(t.confidence)})`).join(', '),
        )
      : null,
    h(
      'p',
      { class: label ? 'intent-label' : 'intent-label muted', 'data-testid': 'intent-label' },
      label ?? 'Not confirmed yet.',
    ),
  ];

  if (mayLabel) {
    const slot = h('div', { class: 'error-slot' });
    const write = (name: string, button: HTMLButtonElement, confirming: boolean) =>
      void act(
        ctx,
        button,
        slot,
        confirming ? 'confirm the intent' : 'correct the intent',
        (t) => app.api.labelIntent(t, name),
        confirming
          ? `Intent of ${ticket.reference} confirmed: ${intentName(name, names)}.`
          : `Intent of ${ticket.reference} corrected to ${intentName(name, names)}.`,
      );
    // Confirming is one click; once confirmed there is nothing to confirm until someone corrects it.
    if (intent.label?.name !== intent.name) {
      const confirm: HTMLButtonElement = h(
        'button',
        {
          type: 'button',
          class: 'button',
          id: 'intent-confirm',
          'aria-describedby': predicted.id,
          onclick: () => write(intent.name, confirm, true),
        },
        'Confirm',
      );
      children.push(h('div', { class: 'button-row' }, confirm));
    }
    const { likely, requestTypes } = correctionChoices(intent, names);
    const choice = h(
      'select',
      { id: 'intent-correct-to', name: 'intent', required: true },
      h('option', { value: '' }, 'Choose an intent'),
      likely.length
        ? h(
            'optgroup',
            { label: 'The model’s other guesses' },
            likely.map((n) => h('option', { value: n }, intentName(n, names))),
          )
        : null,
      requestTypes.length
        ? h(
            'optgroup',
            { label: 'Request types' },
            requestTypes.map((n) => h('option', { value: n }, intentName(n, names))),
          )
        : null,
    );
    const correct = h('button', { type: 'submit', class: 'button', id: 'intent-correct' }, 'Correct');
    children.push(
      h(
        'form',
        {
          class: 'inline-form intent-correct',
          onsubmit: (e: Event) => {
            e.preventDefault();
            if (choice.value) write(choice.value, correct, false);
          },
        },
        h('div', { class: 'field' }, h('label', { for: choice.id }, 'Correct to'), choice),
        correct,
      ),
      slot,
    );
  }
  children.push(
    intent.modelVersion
      ? h('p', { class: 'hint intent-model', 'data-testid': 'intent-model' }, `Model ${intent.modelVersion}`)
      : null,
  );
  return panel('Intent', ...children);
}

/**
 * The panel of a ticket without a prediction: says why there is none, shows a label an agent gave it, and
 * lets those who may label choose one of the request types. Hidden from the others while unlabelled.
 */
function unpredictedSection(ctx: Ctx, names: IntentNames, mayLabel: boolean): HTMLElement | null {
  const { app, ticket } = ctx;
  const label = labelWithoutPrediction(ticket);
  if (!label && !mayLabel) return null;
  const children: Array<Node | null> = [
    h(
      'p',
      { class: 'intent-none muted', id: 'intent-none', 'data-testid': 'intent-none' },
      'No prediction: there was no model when this ticket arrived, or its text was unlike the texts the model learned from.',
    ),
    h(
      'p',
      { class: label ? 'intent-label' : 'intent-label muted', 'data-testid': 'intent-label' },
      label
        ? `Labelled ${intentName(label.name, names)} by ${label.by}, ${relativeTime(label.at)}.`
        : 'Not labelled yet. Labels are what the next model learns from.',
    ),
  ];
  if (mayLabel) {
    const slot = h('div', { class: 'error-slot' });
    const choice = h(
      'select',
      { id: 'intent-label-as', name: 'intent', required: true, 'aria-describedby': 'intent-none' },
      h('option', { value: '' }, 'Choose an intent'),
      [...names.labels.keys()]
        .filter((n) => n !== label?.name)
        .sort((a, b) => intentName(a, names).localeCompare(intentName(b, names)))
        .map((n) => h('option', { value: n }, intentName(n, names))),
    );
    const submit = h('button', { type: 'submit', class: 'button', id: 'intent-label-submit' }, 'Label');
    children.push(
      h(
        'form',
        {
          class: 'inline-form intent-correct',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const name = choice.value;
            if (!name) return;
            void act(
              ctx,
              submit,
              slot,
              'label the intent',
              (t) => app.api.labelIntent(t, name),
              `Intent of ${ticket.reference} labelled ${intentName(name, names)}.`,
            );
          },
        },
        h('div', { class: 'field' }, h('label', { for: choice.id }, 'Label as'), choice),
        submit,
      ),
      slot,
    );
  }
  return panel('Intent', ...children);
}
