import { fieldSchemaFor } from '../config/fields';
import { DEFAULT_INTENT, requestTypeForIntent } from '../config/intent';
import type {
  Condition,
  ConditionField,
  RequestTypeSpec,
  TriageRule,
  WorkflowConfig,
} from '../config/schema';
import { DomainError, type Issue } from './errors';
import type { FieldValues, Priority, Requester, Ticket, TicketDraft } from './ticket';
import { normaliseTags } from './ticket-input';

export type TriageInput = Pick<
  TicketDraft,
  | 'channel'
  | 'source'
  | 'subject'
  | 'body'
  | 'requestType'
  | 'fields'
  | 'account'
  | 'tags'
  | 'intent'
  | 'language'
> & { readonly requester: Pick<Requester, 'email'> };

/** Where the request type came from: the sender, the predicted intent, a keyword rule, the source, the default. */
export type RequestTypeBy = 'sender' | 'intent' | 'rule' | 'source' | 'default';

export interface TriageResult {
  readonly requestType: string;
  readonly requestTypeBy: RequestTypeBy;
  readonly priority: Priority;
  readonly queue: string;
  /** Deduplicated and sorted, so the same request always carries the same tag list. */
  readonly tags: string[];
  /** Required fields of the request type that are absent or blank, in the config's order. */
  readonly missingFields: string[];
  /** Values that are present but not acceptable; the request should be refused, not ticketed. */
  readonly invalidFields: Issue[];
  readonly matchedRules: string[];
  /** The input fields with the request type's fields trimmed and blank ones dropped. */
  readonly fields: FieldValues;
}

export class UnknownRequestTypeError extends DomainError {
  override readonly name = 'UnknownRequestTypeError';
  readonly code = 'CONFIG.UNKNOWN_REQUEST_TYPE';
}

/** What conditions look at; `requestType` is absent while the request type is being inferred. */
interface Facts {
  readonly input: TriageInput;
  readonly requestType: string | undefined;
  readonly tags: readonly string[];
  /** The priority decided so far (triage rules see earlier rules' outcome; routing sees the final one). */
  readonly priority?: string | undefined;
  /** How sure a predicted intent must be for a condition on `intent` without its own `minConfidence`. */
  readonly intentFloor: number;
}

/**
 * Classifies a request with the team's rules. The request type comes first (explicit, else the
 * first matching rule that names one, else the webhook source's default, else the config's), then
 * every matching rule in order adjusts priority/queue (last one wins) and adds tags.
 */
export function triage(input: TriageInput, config: WorkflowConfig): TriageResult {
  const invalidFields: Issue[] = [];
  let requestType = input.requestType;
  if (requestType !== undefined && !Object.hasOwn(config.requestTypes, requestType)) {
    invalidFields.push({
      path: 'requestType',
      message: `unknown request type "${requestType}"; expected one of: ${Object.keys(config.requestTypes).join(', ')}`,
    });
    // Carry on with an inferred type so the caller still gets a complete answer.
    requestType = undefined;
  }
  const inferred =
    requestType === undefined ? inferRequestType(input, config) : { requestType, by: 'sender' as const };
  requestType = inferred.requestType;
  const spec = config.requestTypes[requestType];
  if (!spec) throw new UnknownRequestTypeError(`the workflow config has no request type "${requestType}"`);

  let priority = spec.defaultPriority;
  let queue = spec.defaultQueue;
  const tags = new Set(normaliseTags(input.tags));
  const matchedRules: string[] = [];
  const intentFloor = config.intent.minConfidence;
  for (const rule of config.triageRules) {
    if (!ruleMatches(rule, { input, requestType, tags: [...tags], priority, intentFloor })) continue;
    matchedRules.push(rule.id);
    if (rule.then.priority !== undefined) priority = rule.then.priority;
    if (rule.then.queue !== undefined) queue = rule.then.queue;
    for (const tag of rule.then.tags ?? []) tags.add(tag);
    if (rule.stop) break;
  }

  // Routing decides the owning queue from the outcome: first matching routing rule wins.
  for (const rule of config.routingRules) {
    if (!ruleMatches(rule, { input, requestType, tags: [...tags], priority, intentFloor })) continue;
    matchedRules.push(rule.id);
    queue = rule.then.queue;
    break;
  }

  const checked = checkFields(spec, input.fields);
  invalidFields.push(...checked.invalidFields);
  const { fields, missingFields } = checked;

  return {
    requestType,
    requestTypeBy: inferred.by,
    priority,
    queue,
    tags: [...tags].sort(),
    missingFields,
    invalidFields,
    matchedRules,
    fields,
  };
}

/**
 * A request that names no request type: its predicted intent's, when the model is sure enough (seed 003:
 * "NLP model classifies intent"); else the first keyword rule that names one; else the webhook source's
 * default; else the config's. Below the confidence, or with no model, it is exactly the rules as before.
 */
function inferRequestType(
  input: TriageInput,
  config: WorkflowConfig,
): { requestType: string; by: RequestTypeBy } {
  const predicted = input.intent;
  if (predicted !== undefined && predicted.confidence >= config.intent.minConfidence) {
    const fromIntent = requestTypeForIntent(predicted.name, config);
    if (fromIntent !== undefined) return { requestType: fromIntent, by: 'intent' };
  }
  const intentFloor = config.intent.minConfidence;
  for (const rule of config.triageRules) {
    if (!ruleMatches(rule, { input, requestType: undefined, tags: input.tags, intentFloor })) continue;
    const named = rule.then.requestType;
    if (named !== undefined && Object.hasOwn(config.requestTypes, named))
      return { requestType: named, by: 'rule' };
    if (rule.stop) break;
  }
  const source =
    input.channel === 'webhook' && Object.hasOwn(config.webhookSources, input.source)
      ? config.webhookSources[input.source]
      : undefined;
  if (source?.defaultRequestType !== undefined)
    return { requestType: source.defaultRequestType, by: 'source' };
  return { requestType: config.defaultRequestType, by: 'default' };
}

function ruleMatches(rule: Pick<TriageRule, 'when'>, facts: Facts): boolean {
  const { all, any } = rule.when;
  const holds = (c: Condition) => conditionHolds(c, valuesOf(c, facts));
  return (all ?? []).every(holds) && (any === undefined || any.some(holds));
}

/** A field's values; absent and blank are the same thing, so `exists` means "has something". */
function valuesOf(condition: Condition, facts: Facts): readonly string[] {
  const field: ConditionField = condition.field;
  const { input, requestType, tags } = facts;
  const one = (v: string | undefined) => (v === undefined || v.trim() === '' ? [] : [v]);
  switch (field) {
    case 'subject':
      return one(input.subject);
    case 'body':
      return one(input.body);
    case 'requestType':
      return one(requestType);
    case 'channel':
      return one(input.channel);
    case 'source':
      return one(input.source);
    case 'requester.email':
      return one(input.requester.email);
    case 'requester.domain':
      return one(input.requester.email.split('@').pop());
    case 'account.id':
      return one(input.account?.id);
    case 'account.tier':
      return one(input.account?.tier);
    case 'account.segment':
      return one(input.account?.segment);
    case 'account.status':
      return one(input.account?.status);
    case 'priority':
      return one(facts.priority);
    case 'tags':
      return tags.filter((t) => t.trim() !== '');
    case 'intent': {
      // A prediction below the bar is no prediction: the condition sees nothing, like an absent field.
      const floor = condition.minConfidence ?? facts.intentFloor;
      return input.intent !== undefined && input.intent.confidence >= floor ? [input.intent.name] : [];
    }
    case 'language':
      return one(input.language);
    default: {
      const name = field.slice('fields.'.length);
      return one(Object.hasOwn(input.fields, name) ? input.fields[name] : undefined);
    }
  }
}

// Case-insensitive throughout: rule authors write "invoice", customers write "Invoice".
function conditionHolds(condition: Condition, values: readonly string[]): boolean {
  const lower = values.map((v) => v.toLowerCase());
  switch (condition.op) {
    case 'exists':
      return lower.length > 0;
    case 'contains':
      return lower.some((v) => v.includes(condition.value.toLowerCase()));
    case 'equals':
      return lower.some((v) => v === condition.value.toLowerCase());
    case 'startsWith':
      return lower.some((v) => v.startsWith(condition.value.toLowerCase()));
    case 'in': {
      const wanted = new Set(condition.value.map((v) => v.toLowerCase()));
      return lower.some((v) => wanted.has(v));
    }
  }
}

/**
 * A request type's fields as supplied: valid values normalised (trimmed), blank ones dropped, required
 * ones absent listed as missing, wrong ones (an enum value not offered) reported with their path.
 * Keys the request type does not define are kept as they came, unless blank: a blank value is no value.
 */
export function checkFields(
  spec: RequestTypeSpec,
  supplied: Readonly<Record<string, string>>,
): { fields: Record<string, string>; missingFields: string[]; invalidFields: Issue[] } {
  const fields: Record<string, string> = Object.fromEntries(
    Object.entries(supplied).filter(([, value]) => value.trim() !== ''),
  );
  const missingFields: string[] = [];
  const invalidFields: Issue[] = [];
  for (const [name, fieldSpec] of Object.entries(spec.fields)) {
    const raw = Object.hasOwn(supplied, name) ? supplied[name] : undefined;
    if (raw === undefined || raw.trim() === '') {
      delete fields[name];
      if (fieldSpec.required) missingFields.push(name);
      continue;
    }
    const parsed = fieldSchemaFor(fieldSpec).safeParse(raw);
    if (parsed.success) fields[name] = parsed.data;
    else
      invalidFields.push({
        path: `fields.${name}`,
        message: parsed.error.issues[0]?.message ?? 'is not valid',
      });
  }
  return { fields, missingFields, invalidFields };
}

/**
 * Whether every condition holds for an existing ticket (handoff preconditions); the first that fails.
 * Its intent is the agent's label when there is one (certain), else the prediction at intake.
 */
export function firstFailedCondition(
  conditions: readonly Condition[],
  ticket: Ticket,
  intentFloor: number = DEFAULT_INTENT.minConfidence,
): Condition | undefined {
  const label = ticket.intent?.label;
  const intent = label ? { ...label, confidence: 1 } : ticket.intent?.predicted;
  const facts: Facts = {
    input: {
      channel: ticket.channel,
      source: ticket.source,
      subject: ticket.subject,
      body: '',
      requestType: ticket.requestType,
      fields: ticket.fields,
      account: ticket.account,
      tags: ticket.tags,
      requester: ticket.requester,
      ...(intent !== undefined
        ? { intent: { name: intent.name, confidence: intent.confidence, top: [], modelVersion: 'label' } }
        : {}),
      ...(ticket.language !== undefined ? { language: ticket.language } : {}),
    },
    requestType: ticket.requestType,
    tags: ticket.tags,
    priority: ticket.priority,
    intentFloor,
  };
  return conditions.find((c) => !conditionHolds(c, valuesOf(c, facts)));
}
