import { requiredEnv } from './env';
import { SesMailer, sesService } from './mailer';
import { ticketPorts } from './ports';
import { sendOnceStore } from './send-once';

// The notifier's ports, composed like the others in ports.ts but apart from them, so that only the function
// that sends mail bundles SES (inbound mail: inbound-mail-ports.ts).

/**
 * Ticket ports plus the mailer, sending each mail at most once (`once`; the handler registers its Lambda
 * context with `registerLambdaContext`) and the support address mail comes from. The signed links a mail
 * carries are the HTTP edge's: the handler adds them (`customerLinks`).
 */
export function notificationPorts() {
  const sending = sendOnceStore(requiredEnv('TABLE_NAME'), 'send-notification');
  return {
    ...ticketPorts(),
    mailer: new SesMailer(sesService(), process.env.AWS_REGION ?? 'us-east-1'),
    once: sending.once,
    registerLambdaContext: sending.registerLambdaContext,
    supportAddress: requiredEnv('SUPPORT_ADDRESS'),
  };
}
