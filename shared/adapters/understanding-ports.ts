import { workflowConfig } from '../config/workflow';
import { ModelIntentClassifier } from './intent-classifier';
import { intentStorePorts } from './intent-ports';
import { TinyLanguageDetector } from './language-detector';
import { logger } from './logger';

// Intake's understanding of a new request, composed like the families in ports.ts but apart from
// intent-ports.ts: only the functions that take in requests bundle the language detector's profiles.

/** What intake reads into a new request before triage: its intent and its language. */
export function understandingPorts() {
  return {
    intent: new ModelIntentClassifier(intentStorePorts().models, (error) =>
      logger.warn('intent model unavailable; the keyword rules decide', { error }),
    ),
    language: new TinyLanguageDetector(workflowConfig.language),
  };
}
