/**
 * The webhook the benchmarks send (`npm run bench` over HTTP, test/bench/cpu.ts in process): request `i`
 * under the delivery id `id`, alternating subjects, 97 requesters and 13 accounts, as one shape in both.
 */
export const benchPayload = (id: string, i: number) => ({
  id,
  subject: i % 2 ? 'Question about invoice INV-7' : 'Cannot log in',
  body: 'Benchmark ticket body. '.repeat(20),
  requester: { email: `user${i % 97}@bench.example`, name: 'Bench User' },
  account: { id: `acct-${i % 13}`, tier: i % 3 ? 'enterprise' : 'smb' },
  requestType: 'billing_dispute',
  fields: { invoiceId: `INV-${i}`, customerId: `C-${i}` },
});
