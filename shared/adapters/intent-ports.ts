import type { IntentModelStorePort, ObjectStore } from '../use-cases/ports';
import { documentClient, eventBridgeClient } from './clients';
import { requiredEnv } from './env';
import { IntentLabels, IntentModelStore } from './intent-store';
import { EventBridgeTrainingRequests } from './intent-training-requests';
import { S3ObjectStore, s3Client } from './object-store';

// The learned intent's port families (issue 19), composed like those in ports.ts. The model's artifact is
// in the mail bucket; the functions that never touch an artifact get the marker alone and bundle no S3 code
// at all. Intake's intent and language are in understanding-ports.ts.
// The S3 adapter is imported statically: a dynamic import of it (to load it on the first artifact) made
// esbuild wrap it, and every module it reaches — the SDK core the DynamoDB client shares included — in
// functions run on demand, which cost intake 2–4 ms more module initialisation than loading it (issue 21).

/** The mail bucket, for a model's artifact: its client made on the first read or write of one. */
async function modelObjects(): Promise<ObjectStore> {
  return new S3ObjectStore(s3Client(), requiredEnv('MAIL_BUCKET'));
}

/** What the marker-only families give the model store instead: their types let no artifact be reached. */
async function noModelObjects(): Promise<ObjectStore> {
  throw new Error('this function reads the intent model marker, never the artifact');
}

/** The model marker and artifact, and the agents' labels. */
export function intentStorePorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    // The bucket is needed only to read or write an artifact: reading the marker or the labels does without.
    models: new IntentModelStore(documentClient(), tableName, modelObjects),
    labels: new IntentLabels(documentClient(), tableName),
  };
}

/** The model marker (its version, intents and figures) and the agents' labels: no artifact, no S3 client. */
export function intentMarkerPorts(): {
  readonly models: Pick<IntentModelStorePort, 'current'>;
  readonly labels: IntentLabels;
} {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    models: new IntentModelStore(documentClient(), tableName, noModelObjects),
    labels: new IntentLabels(documentClient(), tableName),
  };
}

/** The model's marker and labels, and the bus a retraining request goes to. */
export function intentAdminPorts() {
  return {
    ...intentMarkerPorts(),
    training: new EventBridgeTrainingRequests(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')),
  };
}
