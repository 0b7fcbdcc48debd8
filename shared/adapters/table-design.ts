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
  /**
   * What each index holds besides its keys and the table's (`pk`, `sk`). An index is written whenever a
   * write changes an attribute it holds, at the size of its item: with every attribute (`all`) each
   * ticket revision rewrote each of its indexes in full, more than half of a ticket's write units. The
   * ticket indexes now hold their keys (`keys`) and what their filters read (`include`); a list reads the
   * index for the order and the page, then the tickets themselves (BatchGetItem).
   */
  globalSecondaryIndexes: [
    /**
     * Queue view: `QUEUE#<q>#STATE#<s>` → `<priorityRank>#<createdAt>` (urgent first, oldest first), with
     * what the queue filters, queue statistics, period listings and related-ticket search read.
     */
    {
      indexName: 'gsi1-queue',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      projection: ['createdAt', 'priority', 'assignee', 'blockedOn', 'account', 'slaRisk'],
    },
    /** Requester: `REQ#<email>` → `<createdAt>`. */
    { indexName: 'gsi2-requester', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'keys' },
    /** Assignee: `AGENT#<id>` → `<state>#<updatedAt>`. */
    { indexName: 'gsi3-assignee', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'keys' },
    /** Pending approvals: `APPROVER#<group>` → `<createdAt>` (small items, read whole). */
    { indexName: 'gsi4-approver', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'all' },
    /** Account: `ACCOUNT#<id>` → `<createdAt>` (an account's tickets, newest first). */
    { indexName: 'gsi5-account', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'keys' },
  ],
} as const;

/** An index's projection: every attribute, only the keys, or the keys and these attributes. */
export type IndexProjection = 'all' | 'keys' | readonly string[];

export type TableDesign = typeof tableDesign;
export type IndexName = (typeof tableDesign.globalSecondaryIndexes)[number]['indexName'];
