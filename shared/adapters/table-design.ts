/**
 * The one description of Frontdoor's single table. The CDK stateful stack and the local runtime
 * (DynamoDB Local) both build the table from this value, so key names and indexes cannot drift.
 * Item layout (DESIGN.md "Storage"): ticket `TICKET#<id>`/`META`, message `TICKET#<id>`/`MSG#<ts>#<id>`,
 * audit `TICKET#<id>`/`EVT#<ts>#<seq>`, dedupe `DEDUPE#<channel>#<key>`/`DEDUPE`,
 * counter `COUNTER#ticket`/`COUNTER`, mail thread `MSGID#<id>`/`MSGID`, metrics `METRIC#<day>`/`<queue>#<name>`.
 */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item after it (dedupe keys). DynamoDB Local never deletes. */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    /** Queue view: `QUEUE#<q>#STATE#<s>` → `<priorityRank>#<createdAt>` (urgent first, oldest first). */
    { indexName: 'gsi1-queue', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Requester: `REQ#<email>` → `<createdAt>`. */
    { indexName: 'gsi2-requester', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** Assignee: `AGENT#<id>` → `<state>#<updatedAt>`. */
    { indexName: 'gsi3-assignee', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /** Pending approvals: `APPROVER#<group>` → `<createdAt>`. */
    { indexName: 'gsi4-approver', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    /** Account: `ACCOUNT#<id>` → `<createdAt>` (an account's tickets, newest first). */
    { indexName: 'gsi5-account', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
  ],
} as const;

export type TableDesign = typeof tableDesign;
export type IndexName = (typeof tableDesign.globalSecondaryIndexes)[number]['indexName'];
