import { workflowConfig } from '../config';
import { documentClient, eventBridgeClient } from './clients';
import { requiredEnv } from './env';
import { ModelIntentClassifier } from './intent-classifier';
import { IntentLabels, IntentModelStore } from './intent-store';
import { EventBridgeTrainingRequests } from './intent-training-requests';
import { TinyLanguageDetector } from './language-detector';
import { logger } from './logger';

// The learned intent's port families (issue 19), composed like those in ports.ts. The model's artifact is
// in the mail bucket; the S3 client is imported only when a model is read or written, so an intake
// function that never finds a model never loads it.

/** The model marker and artifact, and the agents' labels. */
export function intentStorePorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    // The bucket is needed only to read or write an artifact: reading the marker or the labels does without.
    models: new IntentModelStore(documentClient(), tableName, async () => {
      const { S3ObjectStore, s3Client } = await import('./object-store');
      return new S3ObjectStore(s3Client(), requiredEnv('MAIL_BUCKET'));
    }),
    labels: new IntentLabels(documentClient(), tableName),
  };
}

/** What intake reads into a new request before triage: its intent and its language. */
export function understandingPorts() {
  return {
    intent: new ModelIntentClassifier(intentStorePorts().models, (error) =>
      logger.warn('intent model unavailable; the keyword rules decide', { error }),
    ),
    language: new TinyLanguageDetector(workflowConfig.language),
  };
}

/** The model's marker and labels, and the bus a retraining request goes to. */
export function intentAdminPorts() {
  return {
    ...intentStorePorts(),
    training: new EventBridgeTrainingRequests(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')),
  };
}
