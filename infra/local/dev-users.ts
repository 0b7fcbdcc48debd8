/**
 * Seeded local users (DESIGN.md "Local runtime"); their groups mirror the Cognito groups in AWS. An agent
 * works the queues of their `queue-<id>` groups; leads and admins see every queue.
 */
export const devUsers = [
  { email: 'agent@example.com', name: 'Alex Agent', groups: ['agent', 'queue-frontline', 'queue-billing'] },
  { email: 'agent2@example.com', name: 'Avery Agent', groups: ['agent', 'queue-frontline'] },
  { email: 'lead@example.com', name: 'Lee Lead', groups: ['lead'] },
  { email: 'finance@example.com', name: 'Fin Approver', groups: ['approver-finance'] },
  { email: 'security@example.com', name: 'Sec Approver', groups: ['approver-security'] },
  { email: 'admin@example.com', name: 'Ada Admin', groups: ['admin'] },
  // For separation of duties: an agent who also approves for finance (never their own requests), a second
  // security approver (access needs two), and the finance leads an expired credit approval escalates to.
  {
    email: 'billing-agent@example.com',
    name: 'Bo Billing',
    groups: ['agent', 'queue-billing', 'approver-finance'],
  },
  { email: 'security2@example.com', name: 'Sam Second', groups: ['approver-security'] },
  { email: 'finance-lead@example.com', name: 'Fay Finance', groups: ['approver-finance-leads'] },
  { email: 'success@example.com', name: 'Sue Success', groups: ['approver-success'] },
  // Two admins who approve erasures (a requester's data needs two, never the admin who asked).
  { email: 'privacy@example.com', name: 'Pat Privacy', groups: ['admin', 'approver-privacy'] },
  { email: 'privacy2@example.com', name: 'Pia Privacy', groups: ['admin', 'approver-privacy'] },
] as const;
