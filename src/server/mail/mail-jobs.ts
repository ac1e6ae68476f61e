// The `mail.send` job: one message to one person, delivered exactly once through MailDelivery. Any
// feature that mails later (reminders, ticket refunds, replay notices) enqueues one of these under a
// key that names what the message is for, so asking twice sends once.
import { z } from 'zod';
import type { JobQueue } from '../jobs/JobQueue.js';
import { PermanentJobError } from '../jobs/JobQueue.js';
import type { Logger } from '../logger.js';
import { DeliveryError, type MailDelivery } from './MailDelivery.js';

export const MAIL_JOB = 'mail.send';

export const MailJobSchema = z.object({
  to: z.string().min(3).max(254),
  subject: z.string().min(1).max(300),
  text: z.string().max(100_000),
  headers: z.record(z.string(), z.string()).optional(),
  attachments: z.array(z.object({ filename: z.string(), content: z.string(), contentType: z.string() })).max(4).optional(),
});
export type MailJob = z.infer<typeof MailJobSchema>;

/** The checkpoint a delivery records just before the point of no return. */
const COMMITTING = 'committing';

export function defineMailJobs(queue: JobQueue, delivery: MailDelivery, logger: Logger, host: string): void {
  queue.define<MailJob>(MAIL_JOB, {
    payload: MailJobSchema,
    async handle(job) {
      if (job.checkpoint === COMMITTING) {
        // The previous attempt's process died between handing over the end of the message and the
        // server's answer: it may or may not have arrived, and SMTP cannot be asked. Lost is worse
        // than twice, so it goes again under the same Message-ID, which a mailbox that already has
        // it recognises (RFC 1047's window: only messages in flight at the crash can repeat).
        logger.warn('mail may have been delivered by a process that died; sending again under the same Message-ID', { jobId: job.id, to: job.payload.to });
      }
      try {
        const where = await delivery.deliver({ ...job.payload, messageId: `<${job.id}@${host}>` }, () => job.checkpointAs(COMMITTING));
        logger.info('mail sent', { jobId: job.id, to: job.payload.to, subject: job.payload.subject, where });
      } catch (error) {
        if (error instanceof DeliveryError && error.permanent) throw new PermanentJobError(error.message);
        throw error;
      }
    },
  });
}
