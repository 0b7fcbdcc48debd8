/**
 * Each demo ticket's plan — when it arrives (weekday-weighted, slightly growing demand, outages in bursts),
 * what about and through which channel — and who writes it with which fields, drawn from demo-data.ts.
 */
import { seedAccounts } from '../../infra/local/seed-accounts';
import { type AccountContext, domainOf, enrichAccount } from '../../shared/domain';
import {
  BROWSERS,
  type ChannelName,
  DAY,
  DOMAINS,
  DRIVERS,
  type Driver,
  FEATURES,
  FIRST_NAMES,
  HOUR,
  LAST_NAMES,
  MINUTE,
  type RequestType,
  SYSTEMS,
  TAIL_TEMPLATES,
} from './demo-data';
import { hashSeed, Rng } from './rng';

export interface Plan {
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

export function requesterFor(rng: Rng): { email: string; name: string; account?: AccountContext } {
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

export function fieldsFor(rng: Rng, requestType: RequestType): Record<string, string> {
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
