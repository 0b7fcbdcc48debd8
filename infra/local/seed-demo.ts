// `npm run seed:demo -- --tickets 5000`: a realistic, reproducible support history for the running local
// runtime, so the flow-metrics dashboard shows something on the first run.
//
// Each ticket's whole life is simulated with the domain's own functions (openTicket, transition, replies,
// approvals, escalations, CSAT, the SLA clock's looks) at backdated moments, then written straight to the
// table through TicketRepository: the opening (ticket, first message, opening audit, reference, dedupe
// key), then the rest of its history cut at every milestone the metrics projection counts from the
// ticket's old and new image (a resolution, a reopen, a closure, an escalation step). Nothing is published
// and nothing is mailed — the past needs no notifier — but the table stream carries every write to
// `project-metrics`, so the dashboard's numbers come from the real projection, not from this script.
// DynamoDB Local's single writer is the bottleneck, so the repository's writes for ten tickets at a time
// are recorded and packed into shared transactions, round by round (see writeBatch).
//
// Reproducible: every ticket draws from its own PRNG seeded by (--seed, index), ids included, so the same
// seed gives the same history whatever the concurrency; its dedupe key is derived from the same pair, so
// running the script twice with one seed adds nothing the second time.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import {
  type AccountContext,
  type Actor,
  type Approval,
  type AuditEvent,
  acknowledgeEscalation,
  addAgentMessage,
  assignTicket,
  decideApproval,
  domainOf,
  type EscalationCause,
  enrichAccount,
  escalate,
  escalationDueAt,
  formatReference,
  type Message,
  openTicket,
  overdueEscalation,
  type Priority,
  receiveCustomerMessage,
  recordSla,
  requestApproval,
  supplyContext,
  type Ticket,
  type TicketDraft,
  type TicketState,
  transition,
  updateTicket,
} from '../../shared/domain';
import { type CsatScore, recordCsat, resolutionOf } from '../../shared/domain/csat';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { seedAccounts } from './seed-accounts';
import { localSettings } from './settings';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Resolved tickets close after this many quiet days (the closure guard's `closeAfterQuietDays`). */
const CLOSE_AFTER_QUIET_DAYS = 5;
/** DynamoDB allows 100 items per transaction; keep room for the ticket and approval items. */
const MAX_ITEMS_PER_APPEND = 90;
const DEFAULT_SEED = 'frontdoor-demo';
/** Tickets whose writes are packed together (see writeBatch). */
const BATCH_TICKETS = 10;

const USAGE = `Usage: npm run seed:demo -- [--tickets 5000] [--seed ${DEFAULT_SEED}] [--days 90] [--concurrency 2] [--url http://127.0.0.1:$PORT]

Fills the running local runtime (npm start) with a reproducible support history over the last --days days.
DynamoDB Local is reached on $DYNAMODB_PORT (default 8000), as npm start uses it.`;

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness

/** FNV-1a over the parts: a 32-bit seed per (seed, index) pair. */
function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast and good enough for a demo history; the same seed gives the same stream. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next = (): number => {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    const last = items.at(-1);
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** A duration whose median is `median` ms; `spread` is the log-scale sigma (1 ≈ a long right tail). */
  lognormal(median: number, spread = 0.8): number {
    return median * Math.exp(spread * this.normal());
  }
}

// ---------------------------------------------------------------------------------------------------------
// What customers write about: a handful of repeated drivers (so the KB-gap signal has something to say)
// and a long tail of one-off questions.

type RequestType =
  | 'billing_dispute'
  | 'bug_report'
  | 'access_request'
  | 'account_change'
  | 'cancellation'
  | 'general_question';
type ChannelName = 'email' | 'form' | 'webhook';

interface Driver {
  readonly id: string;
  /** Share of all tickets, relative to the other drivers. */
  readonly weight: number;
  /** Absent: triage infers it from the subject (mail does not say). */
  readonly requestType: RequestType;
  readonly subjects: readonly string[];
  readonly body: string;
  readonly channels: ReadonlyArray<readonly [ChannelName, number]>;
  /** Outages arrive in bursts on incident days rather than spread over the window. */
  readonly bursty?: boolean;
}

const DRIVERS: readonly Driver[] = [
  {
    id: 'password-reset',
    weight: 9,
    requestType: 'general_question',
    subjects: [
      'Password reset not working',
      'Password reset still not working!',
      'Password reset: not working',
    ],
    body: 'I asked for a password reset but the link does not work. Can you help me sign in?',
    channels: [
      ['email', 7],
      ['form', 3],
    ],
  },
  {
    id: 'invoice-charged-twice',
    weight: 8,
    requestType: 'billing_dispute',
    subjects: [
      'Invoice charged twice',
      'Charged twice for invoice {invoice}',
      'Invoice {invoice} charged twice',
    ],
    body: 'Our card was charged twice for the same invoice this month. Please refund the second charge.',
    channels: [
      ['email', 5],
      ['form', 3],
      ['webhook', 2],
    ],
  },
  {
    id: 'export-data',
    weight: 7,
    requestType: 'general_question',
    subjects: ['How do I export my data?', 'Export my data', 'How to export data?'],
    body: 'We need to export all our data to CSV for an audit. Where do I find the export?',
    channels: [
      ['email', 6],
      ['form', 4],
    ],
  },
  {
    id: 'sso-login',
    weight: 4,
    requestType: 'bug_report',
    subjects: ['SSO login fails with SAML error', 'SAML error: SSO login fails'],
    body: 'Since this morning our users get a SAML error when they sign in with SSO.',
    channels: [
      ['form', 6],
      ['webhook', 4],
    ],
  },
  {
    id: 'access-request',
    weight: 5,
    requestType: 'access_request',
    subjects: ['Please grant access to {system}', 'Grant access to {system}'],
    body: 'Please grant access for a colleague who joined the team this week.',
    channels: [
      ['form', 7],
      ['webhook', 3],
    ],
  },
  {
    id: 'refund-request',
    weight: 4,
    requestType: 'billing_dispute',
    subjects: ['Refund for unused seats', 'Unused seats: refund?'],
    body: 'We reduced our team and would like a refund for the seats we no longer use.',
    channels: [
      ['email', 6],
      ['form', 4],
    ],
  },
  {
    id: 'csv-import',
    weight: 4,
    requestType: 'bug_report',
    subjects: ['CSV import fails on large files', 'Import of large CSV files fails'],
    body: 'Importing a CSV with more than 10,000 rows fails without an error message.',
    channels: [
      ['form', 6],
      ['webhook', 4],
    ],
  },
  {
    id: 'billing-contact',
    weight: 4,
    requestType: 'account_change',
    subjects: ['Change our billing contact', 'Billing contact change'],
    body: 'Please change the billing contact on our account to our new finance manager.',
    channels: [
      ['form', 7],
      ['webhook', 3],
    ],
  },
  {
    id: 'cancel-subscription',
    weight: 3,
    requestType: 'cancellation',
    subjects: ['Please cancel my subscription', 'Cancel my subscription'],
    body: 'We would like to cancel our subscription at the end of the current period.',
    channels: [
      ['email', 6],
      ['form', 4],
    ],
  },
  {
    id: 'api-rate-limit',
    weight: 3,
    requestType: 'bug_report',
    subjects: ['API rate limit errors', 'Rate limit errors from the API'],
    body: 'Our integration gets 429 answers even though we stay well below the documented limit.',
    channels: [['webhook', 1]],
  },
  {
    id: 'outage',
    weight: 2,
    requestType: 'general_question',
    subjects: ['Dashboard is down', 'Dashboard down?', 'Reports are down'],
    body: 'Nothing loads for anyone in our team. Is there an outage?',
    channels: [
      ['email', 6],
      ['webhook', 4],
    ],
    bursty: true,
  },
  {
    id: 'phishing',
    weight: 1,
    requestType: 'general_question',
    subjects: ['Phishing mail pretending to be you', 'Possible vulnerability in the login page'],
    body: 'We received a suspicious mail that looks like it comes from you. Please check.',
    channels: [['email', 1]],
  },
];

const FEATURES = [
  'the calendar view',
  'notifications',
  'the mobile app',
  'custom fields',
  'the audit log',
  'team permissions',
  'webhooks',
  'the search',
  'dark mode',
  'the Slack integration',
  'scheduled reports',
  'time zones',
  'two-factor authentication',
  'the public API',
  'file uploads',
  'tags',
  'the invoice PDF layout',
  'dashboards',
  'email templates',
  'the Zapier connector',
];
const TAIL_TEMPLATES: ReadonlyArray<readonly [string, RequestType]> = [
  ['Question about {f}', 'general_question'],
  ['How do I set up {f}?', 'general_question'],
  ['{f} shows wrong totals', 'bug_report'],
  ['Feature request: better {f}', 'general_question'],
  ['Problem with {f} after the update', 'bug_report'],
];

const AGENTS = [
  'agent@example.com',
  'agent2@example.com',
  'maria.santos@example.com',
  'tom.becker@example.com',
  'li.wei@example.com',
  'sam.okafor@example.com',
];
const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloe',
  'David',
  'Elif',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Luca',
  'Mona',
  'Nils',
  'Olga',
  'Pavel',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Yara',
  'Zoe',
];
const LAST_NAMES = [
  'Lopez',
  'Schmidt',
  'Novak',
  'Okafor',
  'Rossi',
  'Dubois',
  'Kowalski',
  'Tanaka',
  'Berg',
  'Moreau',
  'Silva',
  'Jensen',
];
/** Mail domains and their share of requests; the first three are accounts `npm start` seeds. */
const DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['bigcorp.example', 18],
  ['smallshop.example', 14],
  ['startup.example', 8],
  ['acme-retail.example', 6],
  ['northwind.example', 6],
  ['globex.example', 5],
  ['initech.example', 5],
  ['umbrella.example', 4],
  ['stark-logistics.example', 4],
  ['wayne-foods.example', 4],
  ['hooli.example', 4],
  ['gmail.example', 10],
  ['outlook.example', 8],
];
const SYSTEMS = ['Admin console', 'Reporting', 'Data warehouse', 'Billing portal', 'Salesforce', 'Jira'];
const BROWSERS = [
  'Chrome 131 on macOS 15',
  'Firefox 133 on Windows 11',
  'Safari 18 on iOS',
  'Edge 131 on Windows 10',
];

// ---------------------------------------------------------------------------------------------------------
// One ticket's story

interface Plan {
  readonly index: number;
  readonly createdAt: number;
  readonly driver: Driver;
  readonly subject: string;
  readonly requestType: RequestType;
  readonly channel: ChannelName;
}

/** Whole weeks of weekday-weighted, slightly growing demand, with two incident days for the outages. */
function createdAtFor(rng: Rng, driver: Driver, now: number, days: number): number {
  const start = now - days * DAY;
  if (driver.bursty) {
    // Two incidents, 61 and 18 days ago (or inside a shorter window), around mid-morning UTC.
    const incidentDays = [Math.min(61, days - 1), Math.min(18, Math.floor(days / 3))];
    const day = Math.floor((now - rng.pick(incidentDays) * DAY) / DAY) * DAY;
    const at = day + 9 * HOUR + Math.abs(rng.normal()) * 3 * HOUR;
    return Math.min(Math.max(at, start), now - MINUTE);
  }
  for (;;) {
    const at = start + rng.next() * (now - MINUTE - start);
    const d = new Date(at);
    const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
    const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
    const dayWeight = weekday ? 1 : 0.3;
    const hourWeight = hour >= 7 && hour < 18 ? 1 : 0.25;
    const growth = 0.8 + 0.4 * ((at - start) / (now - start));
    if (rng.next() < (dayWeight * hourWeight * growth) / 1.2) return at;
  }
}

export function planTicket(seed: string, index: number, now: number, days: number): Plan {
  const rng = new Rng(hashSeed(seed, 'plan', index));
  // About a third of requests are one-offs; the rest repeat.
  if (rng.chance(0.34)) {
    const [template, requestType] = rng.pick(TAIL_TEMPLATES);
    const feature = rng.pick(FEATURES);
    const subject = template.replace('{f}', feature).replace(/^./, (c) => c.toUpperCase());
    const driver: Driver = {
      id: 'tail',
      weight: 0,
      requestType,
      subjects: [subject],
      body: `We have a question about ${feature}. Could you help?`,
      channels: [
        ['email', 5],
        ['form', 3],
        ['webhook', 2],
      ],
    };
    return {
      index,
      createdAt: createdAtFor(rng, driver, now, days),
      driver,
      subject,
      requestType,
      channel: rng.weighted(driver.channels),
    };
  }
  const driver = rng.weighted(DRIVERS.map((d) => [d, d.weight] as const));
  return {
    index,
    createdAt: createdAtFor(rng, driver, now, days),
    driver,
    subject: rng.pick(driver.subjects),
    requestType: driver.requestType,
    channel: rng.weighted(driver.channels),
  };
}

function requesterFor(rng: Rng): { email: string; name: string; account?: AccountContext } {
  const domain = rng.weighted(DOMAINS);
  // Zipf-ish: a few people in each company write most of its tickets.
  const person = Math.floor(12 * rng.next() ** 2);
  const first = FIRST_NAMES[(hashSeed(domain, person) + person) % FIRST_NAMES.length] ?? 'Alex';
  const last = LAST_NAMES[(hashSeed(domain, 'last', person) + person) % LAST_NAMES.length] ?? 'Doe';
  const email = `${first}.${last}@${domain}`.toLowerCase();
  const account = enrichAccount(
    undefined,
    seedAccounts.find((a) => a.domains.includes(domainOf(email))),
  );
  return { email, name: `${first} ${last}`, ...(account ? { account } : {}) };
}

function fieldsFor(rng: Rng, requestType: RequestType): Record<string, string> {
  switch (requestType) {
    case 'billing_dispute':
      return {
        invoiceId: `INV-${rng.int(10_000, 99_999)}`,
        customerId: `C-${rng.int(100, 9_999)}`,
        amount: `${rng.int(20, 1_500)}.00 EUR`,
      };
    case 'bug_report':
      return {
        reproductionSteps: '1. Sign in\n2. Open the page\n3. It fails with an error',
        environment: rng.pick(BROWSERS),
        productArea: rng.pick(['Sign-in', 'Import', 'API', 'Reports']),
      };
    case 'access_request':
      return {
        system: rng.pick(SYSTEMS),
        riskLevel: rng.chance(0.22) ? 'high' : 'low',
        justification: 'Needed for their daily work.',
      };
    case 'account_change':
      return { change: 'Please update the billing contact to finance@customer.example.' };
    case 'cancellation':
      return { reason: rng.pick(['Too expensive', 'Moving to another tool', 'Project ended']) };
    case 'general_question':
      return {};
  }
}

const REQUIRED: Readonly<Record<RequestType, readonly string[]>> = {
  billing_dispute: ['invoiceId', 'customerId'],
  bug_report: ['reproductionSteps', 'environment'],
  access_request: ['system', 'riskLevel'],
  account_change: [],
  cancellation: [],
  general_question: [],
};

/** The agents work weekdays 07:00–18:00 UTC; enterprise tickets (24x7 policy) also get night cover, slower. */
function whenWorked(at: number, rng: Rng, enterprise: boolean): number {
  const d = new Date(at);
  const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
  const hour = d.getUTCHours();
  if (weekday && hour >= 7 && hour < 18) return at;
  if (enterprise && rng.chance(0.6)) return at + rng.lognormal(40 * MINUTE, 0.6);
  let next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 7) + (hour >= 7 ? DAY : 0);
  while ([0, 6].includes(new Date(next).getUTCDay())) next += DAY;
  return next + rng.lognormal(45 * MINUTE, 0.7);
}

/**
 * A stretch of a ticket's history written in one transaction: the ticket as it stands at the end of it,
 * and the messages and audit entries that got it there.
 */
interface Segment {
  readonly ticket: Ticket;
  readonly messages: Message[];
  readonly audit: AuditEvent[];
}

type Step = { readonly at: number; readonly order: number; readonly run: (at: Date) => void };

const SLA_ACTOR: Actor = { kind: 'system', id: 'sla-clock' };
const ESCALATION_ACTOR: Actor = { kind: 'system', id: 'escalations' };
const CLOSER: Actor = { kind: 'system', id: 'auto-close' };

/**
 * Whether the metrics projection, which compares a ticket item's old and new image, must see the ticket
 * as it stands right after this change: a resolution (and its time), a reopen, a closure, an escalation
 * step each count once per image pair, so two of them folded into one write would count as one.
 */
function isMilestone(before: Ticket, after: Ticket): boolean {
  if (before.state !== after.state) {
    if (after.state === 'resolved' || after.state === 'closed' || before.state === 'resolved') return true;
  }
  return (
    before.escalation?.path !== after.escalation?.path || before.escalation?.step !== after.escalation?.step
  );
}

/**
 * One ticket's life, step by step in time order, as the running system would have recorded it: every
 * change through the domain function the API or a consumer would call, and between the changes the SLA
 * timer's looks (warnings, breaches, met targets, escalations of unacknowledged steps). Steps whose moment
 * lies after `now` do not happen yet, so the ticket ends in the state it would be in today.
 */
class Story {
  ticket: Ticket;
  readonly opening: { ticket: Ticket; message: Message; audit: AuditEvent[] };
  /** The history after the opening, cut at each milestone (see isMilestone). */
  readonly segments: Segment[] = [];
  readonly approvals = new Map<string, Approval>();
  private pending: { messages: Message[]; audit: AuditEvent[] } = { messages: [], audit: [] };
  private readonly steps: Step[] = [];
  private stepOrder = 0;
  private nextLook: number | null = null;
  readonly allMessages: Message[];
  readonly allAudit: AuditEvent[];
  /** Set when a resolution happened and has not been undone by a reopen. */
  resolvedAt: number | null = null;
  reopened = false;

  constructor(
    private readonly rng: Rng,
    private readonly now: number,
    opened: { ticket: Ticket; message: Message; audit: AuditEvent[] },
  ) {
    this.ticket = opened.ticket;
    this.opening = { ticket: opened.ticket, message: opened.message, audit: opened.audit };
    this.allMessages = [opened.message];
    this.allAudit = [...opened.audit];
  }

  newId = (at: Date) => () => ulid(at.getTime(), this.rng.next);

  /** Runs `run` at `at` unless that is still in the future. */
  at(at: number, run: (at: Date) => void): void {
    this.steps.push({ at, order: this.stepOrder++, run });
  }

  record(change: { ticket: Ticket; audit: AuditEvent | readonly AuditEvent[]; message?: Message }): void {
    const before = this.ticket;
    this.ticket = change.ticket;
    const audit = Array.isArray(change.audit) ? change.audit : [change.audit as AuditEvent];
    this.pending.audit.push(...audit);
    this.allAudit.push(...audit);
    if (change.message) {
      this.pending.messages.push(change.message);
      this.allMessages.push(change.message);
    }
    if (isMilestone(before, change.ticket)) this.cut();
  }

  private cut(): void {
    if (this.pending.audit.length === 0 && this.pending.messages.length === 0) return;
    this.segments.push({ ticket: this.ticket, ...this.pending });
    this.pending = { messages: [], audit: [] };
  }

  /** The SLA timer's look at `at`: record targets, escalate on warnings/breaches and overdue steps. */
  private look(at: Date): void {
    const newId = this.newId(at);
    const sla = recordSla({
      ticket: this.ticket,
      audit: this.allAudit,
      messages: this.allMessages,
      config: workflowConfig,
      now: at,
      newId,
    });
    if (sla.changed) this.record({ ticket: sla.ticket, audit: sla.audit });
    for (const event of sla.events) {
      this.escalate({ kind: event.type, target: event.detail.target }, at, ESCALATION_ACTOR);
    }
    const overdue = overdueEscalation(this.ticket, at);
    if (overdue) this.escalate(overdue, at, SLA_ACTOR);
    const candidates = [sla.nextCheckAt, escalationDueAt(this.ticket)]
      .filter((t): t is string => t !== null)
      .map((t) => Date.parse(t));
    this.nextLook =
      this.ticket.state === 'closed' || candidates.length === 0 ? null : Math.min(...candidates);
  }

  escalate(cause: EscalationCause, at: Date, actor: Actor): void {
    const e = escalate(this.ticket, cause, workflowConfig, { actor, at, newId: this.newId(at) });
    if (!e.ok) return;
    this.record(e);
    // Most receiving groups acknowledge in time; the rest let it climb to the next step.
    const window = e.audit.after?.acknowledgeBy;
    if (typeof window === 'string' && this.rng.chance(0.75)) {
      const ackAt = at.getTime() + (Date.parse(window) - at.getTime()) * (0.1 + 0.7 * this.rng.next());
      const step = e.ticket.escalation?.step;
      this.at(ackAt, (t) => {
        if (this.ticket.escalation?.step !== step || this.ticket.escalation?.acknowledgedAt) return;
        const by = this.rng.pick(AGENTS);
        const ack = acknowledgeEscalation(this.ticket, {
          actor: { kind: 'agent', id: by },
          at: t,
          newId: this.newId(t),
        });
        if (ack.ok) this.record(ack);
      });
    }
  }

  /** Plays the steps and the timer's looks in time order, up to `now`. */
  play(): void {
    this.look(new Date(Date.parse(this.ticket.createdAt) + 1000));
    for (let guard = 0; guard < 500; guard++) {
      this.steps.sort((a, b) => a.at - b.at || a.order - b.order);
      const step = this.steps[0];
      const lookFirst = this.nextLook !== null && (step === undefined || this.nextLook <= step.at);
      const when = lookFirst ? (this.nextLook as number) : step?.at;
      if (when === undefined || when > this.now) break;
      if (lookFirst) {
        this.look(new Date(when));
        continue;
      }
      this.steps.shift();
      const version = this.ticket.version;
      step?.run(new Date(when));
      // A change wakes the ticket clock at once (run-ticket-clock), which records met targets right away.
      if (this.ticket.version !== version) this.look(new Date(when + 2000));
    }
    this.cut();
  }
}

export function simulate(
  plan: Plan,
  seed: string,
  now: number,
  reference: string,
): Story | { error: string } {
  const rng = new Rng(hashSeed(seed, 'life', plan.index));
  const requester = requesterFor(rng);
  const enterprise = requester.account?.tier === 'enterprise';
  const complete = fieldsFor(rng, plan.requestType);
  let fields = complete;
  // Mail carries context only as `Field: value` lines, and often not at all; forms and webhooks rarely miss it.
  const required = REQUIRED[plan.requestType];
  if (required.length > 0 && rng.chance(plan.channel === 'email' ? 0.4 : 0.07)) {
    const dropped = rng.pick(required);
    fields = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== dropped));
  }
  const subject = plan.subject
    .replace('{invoice}', complete.invoiceId ?? 'INV-1')
    .replace('{system}', complete.system ?? 'the admin console');
  const createdAt = new Date(plan.createdAt);
  const source = plan.channel === 'email' ? 'email' : plan.channel === 'webhook' ? 'demo' : plan.requestType;
  const draft: TicketDraft = {
    channel: plan.channel,
    source,
    externalId:
      plan.channel === 'email'
        ? `seed-${plan.index}@mail.customer.example`
        : `seed-demo-${seed}-${plan.index}`,
    subject,
    body: plan.driver.body,
    requester: { email: requester.email, name: requester.name },
    ...(requester.account ? { account: requester.account } : {}),
    // Mail does not say what it is about: triage reads the subject.
    ...(plan.channel === 'email' ? {} : { requestType: plan.requestType }),
    fields,
    tags: [],
  };
  const intakeActor: Actor =
    plan.channel === 'webhook'
      ? { kind: 'integration', id: 'webhook:demo' }
      : { kind: 'customer', id: requester.email };
  const opened = openTicket(draft, {
    config: workflowConfig,
    now: createdAt,
    reference,
    newId: () => ulid(createdAt.getTime(), rng.next),
    actor: intakeActor,
  });
  if (!opened.ok) return { error: opened.error.message };
  const story = new Story(rng, now, opened);
  const customer: Actor = { kind: 'customer', id: requester.email };
  const agent = rng.pick(AGENTS);
  const agentActor: Actor = { kind: 'agent', id: agent };
  const ctx = (at: Date, actor: Actor = agentActor) => ({ actor, at, newId: story.newId(at) });
  const move =
    (to: TicketState, reason?: string, actor: Actor = agentActor, extra = {}) =>
    (at: Date) => {
      const moved = transition(story.ticket, to, {
        ...ctx(at, actor),
        reason,
        nextSeq: story.ticket.auditSeq + 1,
        ...extra,
      });
      if (moved.ok) story.record(moved);
    };
  const reply = (body: string) => (at: Date) => {
    const r = addAgentMessage(
      story.ticket,
      { visibility: 'public', body, author: { email: agent } },
      ctx(at),
    );
    if (r.ok) story.record(r);
  };
  const customerWrites = (body: string) => (at: Date) => {
    const message: Message = {
      id: ulid(at.getTime(), rng.next),
      ticketId: story.ticket.id,
      direction: 'inbound',
      visibility: 'public',
      channel: 'email',
      author: { kind: 'customer', email: requester.email, name: requester.name },
      subject: `Re: ${subject} [${reference}]`,
      body,
      attachments: [],
      mailClass: 'human',
      createdAt: at.toISOString(),
    };
    const effect = receiveCustomerMessage(story.ticket, message, {}, workflowConfig, ctx(at, customer));
    if (effect.kind === 'appended') story.record({ ...effect, message });
  };

  // The apply-escalations consumer sees every new ticket (enterprise security reports go straight up).
  story.at(plan.createdAt + 5_000, (at) => story.escalate({ kind: 'ticket.created' }, at, ESCALATION_ACTOR));

  let t = plan.createdAt;
  if (story.ticket.state === 'needs_info') {
    // Most customers supply what is missing (the needs-info form); some never come back.
    if (!rng.chance(0.82)) return finish(story);
    t += rng.lognormal(5 * HOUR, 1.1);
    story.at(t, (at) => {
      const supplied = supplyContext(story.ticket, complete, workflowConfig, ctx(at, customer));
      if (supplied.ok && supplied.supplied.length > 0) story.record(supplied);
    });
  }

  // Pick-up and first response, in working hours (enterprise also at night); urgent work jumps the queue.
  const pickupMedian: Record<Priority, number> = {
    urgent: 12 * MINUTE,
    high: 50 * MINUTE,
    normal: 2.5 * HOUR,
    low: 6 * HOUR,
  };
  const priority = story.ticket.priority;
  const pickup = whenWorked(t + rng.lognormal(pickupMedian[priority], 1.0), rng, enterprise);
  story.at(pickup, (at) => {
    const taken = assignTicket(story.ticket, agent, { ...ctx(at), mayReassign: false });
    if (taken.ok) story.record(taken);
  });
  story.at(pickup + 1000, (at) => {
    if (story.ticket.state === 'new') move('in_progress')(at);
  });
  // Now and then an agent corrects the priority triage gave.
  if (rng.chance(0.12)) {
    const to: Priority = rng.chance(0.7) ? (priority === 'urgent' ? 'high' : 'urgent') : 'low';
    story.at(pickup + 2 * MINUTE, (at) => {
      const u = updateTicket(story.ticket, { priority: to }, workflowConfig, ctx(at));
      if (u.ok) story.record(u);
    });
  }
  const firstReply = pickup + rng.lognormal(12 * MINUTE, 0.7);
  story.at(firstReply, reply('Thanks for reaching out, we are looking into it.'));
  t = firstReply;

  // About one ticket in five stalls: nobody resolves it, so the backlog ages.
  if (rng.chance(0.22)) {
    const stall = rng.weighted<TicketState>([
      ['waiting_on_customer', 5],
      ['waiting_on_team', 3],
      ['in_progress', 2],
    ]);
    if (stall !== 'in_progress') story.at(t + rng.lognormal(2 * HOUR, 1), move(stall, 'stalled'));
    return finish(story);
  }

  if (rng.chance(0.28)) {
    t += rng.lognormal(90 * MINUTE, 0.8);
    story.at(t, move('waiting_on_customer', 'asked the customer for details'));
    t += rng.lognormal(16 * HOUR, 1.1);
    story.at(t, customerWrites('Here are the details you asked for.'));
  }
  if (rng.chance(0.14)) {
    t += rng.lognormal(60 * MINUTE, 0.8);
    story.at(t, move('waiting_on_team', 'waiting for engineering'));
    t += rng.lognormal(9 * HOUR, 1.1);
    story.at(t, move('in_progress', 'engineering answered'));
  }
  // Credits and refunds on billing disputes, high-risk access: the approval policies decide who approves.
  const approvalKind =
    plan.requestType === 'billing_dispute' && rng.chance(0.5)
      ? plan.driver.id === 'refund-request'
        ? 'refund'
        : 'credit'
      : plan.requestType === 'access_request' && story.ticket.fields.riskLevel === 'high'
        ? 'access'
        : undefined;
  if (approvalKind) {
    t += rng.lognormal(45 * MINUTE, 0.8);
    const amount = rng.chance(0.55) ? rng.int(20, 480) : rng.int(520, 2_400);
    story.at(t, (at) => {
      const asked = requestApproval(
        story.ticket,
        {
          kind: approvalKind,
          ...(approvalKind === 'access' ? {} : { amount: { value: amount, currency: 'EUR' } }),
          summary:
            approvalKind === 'access'
              ? `Grant ${story.ticket.fields.system ?? 'the system'} access`
              : `${approvalKind} of ${amount} EUR for ${story.ticket.fields.invoiceId ?? 'the invoice'}`,
        },
        workflowConfig,
        ctx(at),
      );
      if (!asked.ok) return;
      story.record(asked);
      story.approvals.set(asked.approval.id, asked.approval);
    });
    const decideAt = t + Math.min(rng.lognormal(4 * HOUR, 1), 20 * HOUR);
    const approve = rng.chance(0.78);
    const group = approvalKind === 'access' ? 'security' : 'finance';
    const voters = [`${group}@example.com`, `${group}2@example.com`];
    voters.forEach((voter, i) => {
      story.at(decideAt + i * rng.lognormal(HOUR, 0.8), (at) => {
        const approval = [...story.approvals.values()].find((a) => a.state === 'pending');
        if (!approval) return;
        const decided = decideApproval(
          approval,
          story.ticket,
          { decision: approve ? 'approve' : 'reject', reason: approve ? 'Confirmed' : 'Not justified' },
          { id: voter, email: voter, groups: [`approver-${group}`] },
          { at, newId: story.newId(at) },
        );
        if (!decided.ok) return;
        story.record(decided);
        story.approvals.set(decided.approval.id, decided.approval);
      });
    });
    t = decideAt + 2 * HOUR;
  }
  if (rng.chance(0.04)) {
    story.at(t + rng.lognormal(2 * HOUR, 1), (at) =>
      story.escalate({ kind: 'manual', reason: 'needs a specialist' }, at, agentActor),
    );
  }
  if (rng.chance(0.2)) {
    story.at(t + rng.lognormal(HOUR, 1), (at) => {
      const note = addAgentMessage(
        story.ticket,
        {
          visibility: 'internal',
          body: 'Checked the account history; see the linked invoice.',
          author: { email: agent },
        },
        ctx(at),
      );
      if (note.ok) story.record(note);
    });
  }

  // The work itself: bugs and access take longer than questions.
  const workMedian: Record<RequestType, number> = {
    general_question: 3 * HOUR,
    billing_dispute: 8 * HOUR,
    account_change: 6 * HOUR,
    cancellation: 5 * HOUR,
    access_request: 10 * HOUR,
    bug_report: 30 * HOUR,
  };
  let resolveAt = whenWorked(t + rng.lognormal(workMedian[plan.requestType], 1.1), rng, enterprise);
  const resolve = (at: number) => {
    story.at(at - MINUTE, reply('This is fixed on our side. Let us know if anything is still wrong.'));
    story.at(at, (d) => {
      move('resolved', 'solved')(d);
      if (story.ticket.state === 'resolved') story.resolvedAt = d.getTime();
    });
  };
  resolve(resolveAt);
  // Some come back: the customer replies to the resolution mail, which reopens the ticket.
  if (rng.chance(0.09)) {
    const back = resolveAt + rng.lognormal(20 * HOUR, 1);
    story.at(back, (at) => {
      if (story.ticket.state !== 'resolved') return;
      customerWrites('Sorry, it happens again.')(at);
      story.reopened = true;
      story.resolvedAt = null;
    });
    resolveAt = whenWorked(back + rng.lognormal(6 * HOUR, 1), rng, enterprise);
    resolve(resolveAt);
  }
  // Satisfaction: a part of the customers answer the survey in the resolution mail.
  if (rng.chance(0.4)) {
    story.at(resolveAt + rng.lognormal(3 * HOUR, 1.2), (at) => {
      if (story.ticket.state !== 'resolved' && story.ticket.state !== 'closed') return;
      const breached = story.ticket.sla?.targets.some((x) => x.status === 'breached') ?? false;
      const mood = (breached ? -1.1 : 0) + (story.reopened ? -0.9 : 0) + rng.normal() * 0.9;
      const score = Math.max(1, Math.min(5, Math.round(4.4 + mood))) as CsatScore;
      const resolution = resolutionOf(story.allAudit);
      if (!resolution) return;
      const rated = recordCsat(
        story.ticket,
        story.allAudit,
        { resolution: resolution.seq, answer: { score } },
        { at, newId: story.newId(at) },
      );
      if (rated.ok && rated.recorded) story.record(rated);
    });
  }
  // Closed: confirmed by the customer, or after enough quiet days.
  const confirms = rng.chance(0.2);
  const closeAt = confirms
    ? resolveAt + rng.lognormal(5 * HOUR, 1)
    : resolveAt + CLOSE_AFTER_QUIET_DAYS * DAY + rng.lognormal(2 * HOUR, 0.5);
  story.at(closeAt, (at) => {
    if (story.ticket.state !== 'resolved' || story.resolvedAt === null) return;
    move(
      'closed',
      confirms ? 'customer confirmed' : `no reply for ${CLOSE_AFTER_QUIET_DAYS} days`,
      confirms ? customer : CLOSER,
      confirms
        ? { customerConfirmed: true }
        : {
            quietDays: Math.floor((at.getTime() - story.resolvedAt) / DAY),
            closeAfterQuietDays: CLOSE_AFTER_QUIET_DAYS,
          },
    )(at);
  });
  return finish(story);
}

function finish(story: Story): Story {
  story.play();
  return story;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

interface Options {
  readonly tickets: number;
  readonly seed: string;
  readonly days: number;
  readonly concurrency: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      tickets: { type: 'string', default: '5000' },
      seed: { type: 'string', default: DEFAULT_SEED },
      days: { type: 'string', default: '90' },
      concurrency: { type: 'string', default: '2' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
  const settings = localSettings();
  return {
    tickets: int('tickets', values.tickets, 1, 200_000),
    seed: values.seed,
    days: int('days', values.days, 1, 365),
    concurrency: int('concurrency', values.concurrency, 1, 32),
    url: (values.url ?? `http://127.0.0.1:${settings.port}`).replace(/\/$/, ''),
    dynamoEndpoint: `http://127.0.0.1:${settings.dynamoPort}`,
    tableName: settings.tableName,
  };
}

/** The runtime's workflow clock (it may run ahead when CLOCK_START/CLOCK_SPEED say so). */
async function runtimeNow(url: string): Promise<number> {
  const health = await fetch(`${url}/health`).catch((e: unknown) => {
    throw new Error(
      `No local runtime answers at ${url} (${e instanceof Error ? e.message : String(e)}). Start it with \`npm start\` first.`,
    );
  });
  if (!health.ok) throw new Error(`${url}/health answered ${health.status}; is DynamoDB Local up?`);
  const clock = await fetch(`${url}/local/clock`).catch(() => undefined);
  if (clock?.ok) {
    const body = (await clock.json()) as { now?: string };
    const at = Date.parse(body.now ?? '');
    if (Number.isFinite(at)) return at;
  }
  return Date.now();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The opening in one transaction (ticket, first message, opening audit, reference, dedupe key), then each
 * segment of the history in its own (see Story): the table stream shows the ticket arrive and then change
 * milestone by milestone, as it would have. A segment too long for one transaction is split; each part
 * rewrites the segment's ticket under its version condition.
 */
type Dedupe = { readonly channel: string; readonly key: string };

async function write(repo: TicketRepository, story: Story, dedupe: Dedupe) {
  const created = await repo.create({
    ...story.opening,
    dedupe: { ...dedupe, expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400 },
  });
  if (created.kind === 'duplicate') return 'duplicate' as const;
  let expectedVersion = story.opening.ticket.version;
  for (const [n, segment] of story.segments.entries()) {
    // Approvals go with the last segment, in their final state.
    const approvals =
      n === story.segments.length - 1
        ? [...story.approvals.values()].map((approval) => ({ approval, expectedVersion: null }))
        : [];
    const entries: Array<{ message: Message } | { audit: AuditEvent }> = [
      ...segment.messages.map((message) => ({ message })),
      ...segment.audit.map((audit) => ({ audit })),
    ];
    for (const [i, part] of chunks(entries, MAX_ITEMS_PER_APPEND - 2 * approvals.length).entries()) {
      await repo.append({
        ticket: segment.ticket,
        expectedVersion,
        messages: part.flatMap((e) => ('message' in e ? [e.message] : [])),
        audit: part.flatMap((e) => ('audit' in e ? [e.audit] : [])),
        ...(i === 0 && approvals.length > 0 ? { approvals } : {}),
      });
      expectedVersion = segment.ticket.version;
    }
  }
  return 'created' as const;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * The transactions TicketRepository would send for one ticket (create, then each append), recorded instead
 * of sent, so the repository stays the only code that knows the table layout while the seed packs several
 * tickets into each real transaction.
 */
async function captureWrites(tableName: string, story: Story, dedupe: Dedupe): Promise<TransactItems[]> {
  const captured: TransactItems[] = [];
  const recorder = {
    send: async (command: unknown) => {
      if (!(command instanceof TransactWriteCommand)) throw new Error('seed:demo records only transactions');
      captured.push(command.input.TransactItems ?? []);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await write(new TicketRepository(recorder, tableName), story, dedupe);
  return captured;
}

/**
 * Writes a batch of tickets: round 0 holds every ticket's opening, round n its n-th history segment, each
 * round packed into transactions of up to 100 items (one ticket's write is never split). A ticket appears
 * once per round, so the stream still shows each ticket change by change, in order. An opening refused by
 * a condition (a ticket already there from an earlier run) is retried alone through the repository, which
 * answers duplicates; the rest of the batch goes on.
 */
async function writeBatch(
  db: DynamoDBDocumentClient,
  repo: TicketRepository,
  tableName: string,
  batch: ReadonlyArray<{ story: Story; dedupe: Dedupe }>,
): Promise<Array<'created' | 'duplicate'>> {
  const writes = await Promise.all(batch.map((b) => captureWrites(tableName, b.story, b.dedupe)));
  const outcome: Array<'created' | 'duplicate' | 'alone'> = batch.map(() => 'created');
  const rounds = Math.max(0, ...writes.map((w) => w.length));
  for (let round = 0; round < rounds; round++) {
    let tx: Array<{ ticket: number; items: TransactItems }> = [];
    const send = async () => {
      if (tx.length === 0) return;
      const group = tx;
      tx = [];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: group.flatMap((g) => g.items) }));
      } catch (e: unknown) {
        if (round > 0 || !(e instanceof Error) || e.name !== 'TransactionCanceledException') throw e;
        for (const g of group) outcome[g.ticket] = 'alone';
      }
    };
    for (const [ticket, w] of writes.entries()) {
      const items = w[round];
      if (!items || outcome[ticket] !== 'created') continue;
      if (tx.reduce((n, g) => n + g.items.length, 0) + items.length > 100) await send();
      tx.push({ ticket, items });
    }
    await send();
  }
  const results: Array<'created' | 'duplicate'> = [];
  for (const [i, b] of batch.entries()) {
    const o = outcome[i];
    results.push(o === 'alone' ? await write(repo, b.story, b.dedupe) : o === 'duplicate' ? o : 'created');
  }
  return results;
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const started = Date.now();
  const now = await runtimeNow(opts.url);
  const client = new DynamoDBClient({
    endpoint: opts.dynamoEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 6,
  });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const repo = new TicketRepository(db, opts.tableName);

  // References follow creation time, as they would have: plan everything, then write oldest first.
  const plans = Array.from({ length: opts.tickets }, (_, i) => planTicket(opts.seed, i, now, opts.days)).sort(
    (a, b) => a.createdAt - b.createdAt || a.index - b.index,
  );
  console.log(
    `Seeding ${opts.tickets} tickets over the last ${opts.days} days (seed "${opts.seed}", ${opts.concurrency} at a time)`,
  );
  console.log(`  runtime ${opts.url}, DynamoDB Local ${opts.dynamoEndpoint}, table ${opts.tableName}`);

  const counts = { created: 0, duplicate: 0, failed: 0 };
  const states = new Map<string, number>();
  const recentDrivers = new Map<string, number>();
  const failures: string[] = [];
  // A rerun (or a bigger run with the same seed) finds its first tickets there: then look before each write,
  // so tickets already there cost no reference number. A fresh run skips that read per ticket.
  const dedupeOf = (plan: Plan) => ({ channel: 'seed-demo', key: `${opts.seed}:${plan.index}` });
  const samples = [plans[0], plans.find((p) => p.index === 0)].filter((p): p is Plan => p !== undefined);
  let lookFirst = false;
  for (const p of samples)
    if ((await repo.findDuplicate(dedupeOf(p)))?.kind === 'duplicate') lookFirst = true;
  let done = 0;
  let nextReport = 0.05;
  let cursor = 0;
  const report = () => {
    if (done / opts.tickets < nextReport && done !== opts.tickets) return;
    const elapsed = Date.now() - started;
    const rate = done / (elapsed / 1000);
    const eta = (opts.tickets - done) / Math.max(rate, 0.001);
    console.log(
      `  ${String(Math.round((100 * done) / opts.tickets)).padStart(3)}%  ${done}/${opts.tickets}  ` +
        `${rate.toFixed(0)} tickets/s  elapsed ${formatSeconds(elapsed)}  eta ${formatSeconds(eta * 1000)}`,
    );
    while (nextReport <= done / opts.tickets) nextReport += 0.05;
  };
  const worker = async () => {
    for (;;) {
      const plansHere = plans.slice(cursor, cursor + BATCH_TICKETS);
      cursor += plansHere.length;
      if (plansHere.length === 0) return;
      const batch: Array<{ story: Story; dedupe: Dedupe; plan: Plan }> = [];
      for (const plan of plansHere) {
        const dedupe = dedupeOf(plan);
        try {
          if (lookFirst && (await repo.findDuplicate(dedupe))?.kind === 'duplicate') {
            counts.duplicate += 1;
            continue;
          }
          const reference = formatReference(await repo.nextReferenceNumber());
          const story = simulate(plan, opts.seed, now, reference);
          if ('error' in story) throw new Error(story.error);
          batch.push({ story, dedupe, plan });
        } catch (e: unknown) {
          counts.failed += 1;
          if (failures.length < 5)
            failures.push(`#${plan.index}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      try {
        const outcomes = await writeBatch(db, repo, opts.tableName, batch);
        for (const [i, outcome] of outcomes.entries()) {
          counts[outcome] += 1;
          const b = batch[i];
          if (outcome !== 'created' || !b) continue;
          states.set(b.story.ticket.state, (states.get(b.story.ticket.state) ?? 0) + 1);
          if (b.plan.driver.id !== 'tail' && b.plan.createdAt >= now - 30 * DAY)
            recentDrivers.set(b.plan.driver.id, (recentDrivers.get(b.plan.driver.id) ?? 0) + 1);
        }
      } catch (e: unknown) {
        counts.failed += batch.length;
        if (failures.length < 5)
          failures.push(
            `#${batch.map((b) => b.plan.index).join(',')}: ${e instanceof Error ? e.message : String(e)}`,
          );
      }
      done += plansHere.length;
      report();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  client.destroy();

  const elapsed = Date.now() - started;
  console.log(
    `\nDone in ${formatSeconds(elapsed)}: ${counts.created} created, ${counts.duplicate} already there (same seed), ${counts.failed} failed.`,
  );
  if (states.size > 0) {
    console.log(
      `  states now: ${[...states.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `  repeated drivers created in the last 30 days: ${[...recentDrivers.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([d, n]) => `${d} ${n}`)
        .join(', ')}`,
    );
  }
  for (const f of failures) console.log(`  failed ${f}`);
  const port = new URL(opts.url).port || '80';
  console.log(
    `\nThe metrics projection reads the table stream and catches up in the background (POST ${opts.url}/local/drain waits for it).`,
  );
  console.log(`Open http://localhost:${port}/app/#/metrics as lead@example.com`);
  if (counts.failed > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(`seed:demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
