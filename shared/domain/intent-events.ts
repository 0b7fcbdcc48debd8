/**
 * The intent model's own events on the Frontdoor bus (issue 19). Their source is not `frontdoor`: they are
 * about the model, not a ticket (no ticketId, no version), so no ticket-event consumer ever sees them.
 */
export const INTENT_EVENT_SOURCE = 'frontdoor.intent';
/** Asks for a new intent model (`POST /v1/intent/training`); the weekly scheduled message does the same. */
export const INTENT_TRAINING_REQUESTED = 'intent.training_requested';
