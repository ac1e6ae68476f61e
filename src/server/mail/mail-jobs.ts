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
        // The previous attempt's process died after handing the message over: it was delivered.
        logger.info('mail delivered by an earlier attempt', { jobId: job.id, to: job.payload.to });
        return;
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
