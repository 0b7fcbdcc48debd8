import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

type Image = Parameters<typeof unmarshall>[0];

/** A table stream record with its images as plain objects (what the projections read). */
export interface StreamChange {
  readonly id: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly sequenceNumber?: string;
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
}

/** The records of a stream batch that carry a change, images unmarshalled, in stream order. */
export function streamChanges(records: readonly DynamoDBRecord[]): StreamChange[] {
  return records
    .filter((r) => r.eventID && r.dynamodb)
    .map((r) => ({
      id: r.eventID as string,
      eventName: r.eventName ?? 'MODIFY',
      ...(r.dynamodb?.SequenceNumber ? { sequenceNumber: r.dynamodb.SequenceNumber } : {}),
      ...(r.dynamodb?.NewImage ? { newImage: unmarshall(r.dynamodb.NewImage as Image) } : {}),
      ...(r.dynamodb?.OldImage ? { oldImage: unmarshall(r.dynamodb.OldImage as Image) } : {}),
    }));
}
