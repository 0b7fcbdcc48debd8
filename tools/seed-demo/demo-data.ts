/**
 * The demo history's data, declared: what customers write about (a handful of repeated drivers, so the
 * KB-gap signal has something to say, and a long tail of one-off questions), who writes and who answers,
 * and how long the work takes. The logic that draws from it is in simulate.ts.
 */
import type { Priority } from '../../shared/domain';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type RequestType =
  | 'billing_dispute'
  | 'bug_report'
  | 'access_request'
  | 'account_change'
  | 'cancellation'
  | 'general_question';
export type ChannelName = 'email' | 'form' | 'webhook';

export interface Driver {
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

export const DRIVERS: readonly Driver[] = [
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

export const FEATURES = [
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
export const TAIL_TEMPLATES: ReadonlyArray<readonly [string, RequestType]> = [
  ['Question about {f}', 'general_question'],
  ['How do I set up {f}?', 'general_question'],
  ['{f} shows wrong totals', 'bug_report'],
  ['Feature request: better {f}', 'general_question'],
  ['Problem with {f} after the update', 'bug_report'],
];

export const AGENTS = [
  'agent@example.com',
  'agent2@example.com',
  'maria.santos@example.com',
  'tom.becker@example.com',
  'li.wei@example.com',
  'sam.okafor@example.com',
];
export const FIRST_NAMES = [
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
export const LAST_NAMES = [
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
export const DOMAINS: ReadonlyArray<readonly [string, number]> = [
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
export const SYSTEMS = [
  'Admin console',
  'Reporting',
  'Data warehouse',
  'Billing portal',
  'Salesforce',
  'Jira',
];
export const BROWSERS = [
  'Chrome 131 on macOS 15',
  'Firefox 133 on Windows 11',
  'Safari 18 on iOS',
  'Edge 131 on Windows 10',
];

/** The fields each request type needs before triage can route it (some channels leave one out). */
export const REQUIRED: Readonly<Record<RequestType, readonly string[]>> = {
  billing_dispute: ['invoiceId', 'customerId'],
  bug_report: ['reproductionSteps', 'environment'],
  access_request: ['system', 'riskLevel'],
  account_change: [],
  cancellation: [],
  general_question: [],
};

/** Median time from arrival (or supplied context) to pick-up; urgent work jumps the queue. */
export const PICKUP_MEDIAN: Readonly<Record<Priority, number>> = {
  urgent: 12 * MINUTE,
  high: 50 * MINUTE,
  normal: 2.5 * HOUR,
  low: 6 * HOUR,
};

/** Median time the work itself takes: bugs and access take longer than questions. */
export const WORK_MEDIAN: Readonly<Record<RequestType, number>> = {
  general_question: 3 * HOUR,
  billing_dispute: 8 * HOUR,
  account_change: 6 * HOUR,
  cancellation: 5 * HOUR,
  access_request: 10 * HOUR,
  bug_report: 30 * HOUR,
};
