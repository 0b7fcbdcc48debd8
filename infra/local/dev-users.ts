/** Seeded local users (DESIGN.md "Local runtime"); their groups mirror the Cognito groups in AWS. */
export const devUsers = [
  { email: 'agent@example.com', name: 'Alex Agent', groups: ['agent'] },
  { email: 'lead@example.com', name: 'Lee Lead', groups: ['lead'] },
  { email: 'finance@example.com', name: 'Fin Approver', groups: ['approver-finance'] },
  { email: 'security@example.com', name: 'Sec Approver', groups: ['approver-security'] },
  { email: 'admin@example.com', name: 'Ada Admin', groups: ['admin'] },
] as const;
