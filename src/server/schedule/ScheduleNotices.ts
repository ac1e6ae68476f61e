// Who hears what about a scheduled Space, and when, as jobs of the durable queue. Each moment of a
// Space (reminder time, start time, missed, live, a change) is one job with a key naming the Space
// and its start time; when it runs it checks the Space still stands as it did, then fans out one
// `mail.send` job per person in the same transaction as its own completion, each keyed by the
// moment and the person. Keys make every step idempotent: a moment runs once per start time, and a
// person gets one mail per moment, however often anything is retried, restarted or run twice.
import { z } from 'zod';
import { spacePath } from '../../shared/schedule.js';
import type { JobQueue } from '../jobs/JobQueue.js';
import type { Logger } from '../logger.js';
import { MAIL_JOB, type MailJob } from '../mail/mail-jobs.js';
import type { Platform } from '../Platform.js';
import type { Repositories } from '../store/repositories.js';
import type { Recipient, ScheduledSpaceRecord } from '../store/repositories/ScheduleRepository.js';
import { spaceCalendar } from './calendar.js';
import { ReminderLinks } from './ReminderLinks.js';
import {
  cancelledMail,
  cohostLiveMail,
  followerLiveMail,
  hostAtStartMail,
  hostBeforeMail,
  liveMail,
  missedMail,
  reminderMail,
  rescheduledMail,
  type MailSpace,
} from './schedule-mail.js';
import type { LiveListing, ScheduleService } from './ScheduleService.js';

export const SCHEDULE_JOBS = {
  remindBefore: 'schedule.remindBefore',
  atStart: 'schedule.atStart',
  missed: 'schedule.missed',
  live: 'schedule.live',
  changed: 'schedule.changed',
} as const;

/** The moments planned ahead, cancelled when the Space moves, starts or is cancelled. */
const MILESTONES = [SCHEDULE_JOBS.remindBefore, SCHEDULE_JOBS.atStart, SCHEDULE_JOBS.missed];

const Moment = z.object({ spaceId: z.string(), startsAt: z.number() });
const Live = z.object({ spaceId: z.string(), title: z.string(), hostId: z.string(), visibility: z.enum(['public', 'unlisted']), cohostIds: z.array(z.string()), scheduled: z.boolean() });
const Change = z.object({ spaceId: z.string(), change: z.enum(['rescheduled', 'cancelled']), revision: z.number(), startsAt: z.number() });

const STUDIO_HINT = 'Open Hostline Studio and press Start now in your schedule.';

export class ScheduleNotices {
  readonly #platform: Platform;
  readonly #schedule: ScheduleService;
  readonly #logger: Logger;
  readonly #queue: JobQueue;
  #links: Promise<ReminderLinks> | undefined;

  constructor(init: { platform: Platform; schedule: ScheduleService; logger: Logger }) {
    this.#platform = init.platform;
    this.#schedule = init.schedule;
    this.#logger = init.logger;
    this.#queue = init.platform.jobs;
    this.#define();
  }

  links(): Promise<ReminderLinks> {
    this.#links ??= ReminderLinks.open(this.#platform.store);
    return this.#links;
  }

  #link(path: string): string {
    return `${this.#platform.baseUrl}${path}`;
  }

  /** The one-click "stop reminding me" link of a reminder mail. */
  stopLink(links: ReminderLinks, spaceId: string, accountId: string): string {
    return this.#link(`${spacePath(spaceId)}?unremind=${encodeURIComponent(links.token(spaceId, accountId))}`);
  }

  // ---- planning (called inside the host's transaction) -----------------------------------------------

  /** Plans the reminder, the start-time note and the missed check of a Space starting at `startsAt`. */
  async planMilestones(repos: Repositories, spaceId: string, startsAt: number): Promise<void> {
    const now = this.#platform.clock.now();
    const subject = `space:${spaceId}`;
    const remindAt = startsAt - this.#schedule.reminderLeadMs;
    // Scheduled closer than the lead: the "starts in 30 minutes" moment has passed; the start note remains.
    if (remindAt > now) await this.#queue.enqueue({ kind: SCHEDULE_JOBS.remindBefore, payload: { spaceId, startsAt }, runAt: remindAt, key: `remind:${spaceId}:${startsAt}`, subject }, repos);
    await this.#queue.enqueue({ kind: SCHEDULE_JOBS.atStart, payload: { spaceId, startsAt }, runAt: startsAt, key: `at-start:${spaceId}:${startsAt}`, subject }, repos);
    await this.#queue.enqueue({ kind: SCHEDULE_JOBS.missed, payload: { spaceId, startsAt }, runAt: startsAt + this.#schedule.missedAfterMs, key: `missed:${spaceId}:${startsAt}`, subject }, repos);
  }

  async cancelMilestones(repos: Repositories, spaceId: string): Promise<void> {
    await this.#queue.cancel(`space:${spaceId}`, MILESTONES, repos);
  }

  /** Tells every subscriber at once that the Space moved or was cancelled. */
  async announceChange(repos: Repositories, space: ScheduledSpaceRecord, change: 'rescheduled' | 'cancelled'): Promise<void> {
    await this.#queue.enqueue(
      { kind: SCHEDULE_JOBS.changed, payload: { spaceId: space.id, change, revision: space.revision, startsAt: space.startsAt }, key: `changed:${space.id}:${space.revision}`, subject: `space:${space.id}:notices` },
      repos,
    );
  }

  /** Tells subscribers, co-hosts and (for a public Space) followers that it is live: once per Space. */
  async announceLive(spaceId: string, title: string, hostId: string, listing: LiveListing): Promise<void> {
    await this.#queue.enqueue({
      kind: SCHEDULE_JOBS.live,
      payload: { spaceId, title, hostId, visibility: listing.visibility, cohostIds: listing.cohostIds, scheduled: listing.scheduled },
      key: `live:${spaceId}`,
      subject: `space:${spaceId}:notices`,
    });
  }

  // ---- the jobs --------------------------------------------------------------------------------------

  #define(): void {
    // Handlers read the link key before their transaction: SQLite has one connection, and a query
    // outside the transaction would wait for it to end.
    this.#queue.define(SCHEDULE_JOBS.remindBefore, {
      payload: Moment,
      handle: async (job) => {
        const links = await this.links();
        let reached = false;
        await job.finishWith(async (repos) => {
          const space = await this.#still(repos, job.payload);
          if (!space) return;
          reached = true;
          const about = await this.#about(repos, space);
          const minutes = Math.round(this.#schedule.reminderLeadMs / 60_000);
          for (const person of await repos.schedule.subscribers(space.id)) {
            if (person.accountId === space.hostId) continue;
            await this.#mail(repos, `mail:remind:${space.id}:${space.startsAt}:${person.accountId}`, space.id, reminderMail(person.email, about, minutes, this.stopLink(links, space.id, person.accountId)));
          }
          for (const person of await this.#hosts(repos, space)) {
            await this.#mail(repos, `mail:host-before:${space.id}:${space.startsAt}:${person.accountId}`, space.id, hostBeforeMail(person.email, about, minutes, STUDIO_HINT));
          }
        });
        // Open pages hear the moment: their countdown re-syncs to the server's clock.
        if (reached) await this.#schedule.pages.publish(job.payload.spaceId);
      },
    });

    this.#queue.define(SCHEDULE_JOBS.atStart, {
      payload: Moment,
      handle: async (job) => {
        let reached = false;
        await job.finishWith(async (repos) => {
          const space = await this.#still(repos, job.payload);
          if (!space) return;
          reached = true;
          const about = await this.#about(repos, space);
          const missedMinutes = Math.round(this.#schedule.missedAfterMs / 60_000);
          for (const person of await this.#hosts(repos, space)) {
            await this.#mail(repos, `mail:host-start:${space.id}:${space.startsAt}:${person.accountId}`, space.id, hostAtStartMail(person.email, about, STUDIO_HINT, missedMinutes));
          }
        });
        if (reached) await this.#schedule.pages.publish(job.payload.spaceId);
      },
    });

    this.#queue.define(SCHEDULE_JOBS.missed, {
      payload: Moment,
      handle: async (job) => {
        let missed = false;
        await job.finishWith(async (repos) => {
          const space = await this.#still(repos, job.payload);
          if (!space) return;
          // The same compare-and-set Start now uses: whichever comes first wins.
          if (!(await repos.schedule.transition(space.id, 'scheduled', 'missed', job.now(), 'the host did not start it'))) return;
          missed = true;
          const about = await this.#about(repos, space);
          for (const person of [...(await repos.schedule.subscribers(space.id)), ...(await this.#hosts(repos, space))]) {
            await this.#mail(repos, `mail:missed:${space.id}:${person.accountId}`, space.id, missedMail(person.email, about));
          }
        });
        if (missed) {
          this.#logger.info('scheduled space missed', { spaceId: job.payload.spaceId });
          await this.#schedule.pages.publish(job.payload.spaceId);
        }
      },
    });

    this.#queue.define(SCHEDULE_JOBS.live, {
      payload: Live,
      handle: async (job) => {
        const links = await this.links();
        await job.finishWith(async (repos) => {
          const { spaceId, hostId } = job.payload;
          const hostProfile = await repos.profiles.byAccount(hostId);
          const space = job.payload.scheduled ? await repos.schedule.get(spaceId) : undefined;
          const about: MailSpace = { title: job.payload.title, hostName: hostProfile?.displayName ?? 'The host', startsAt: space?.startsAt ?? null, timeZone: space?.timeZone ?? null, link: this.#link(spacePath(spaceId)) };
          const told = new Set<string>([hostId]);
          const tell = async (person: Recipient, make: () => MailJob) => {
            if (told.has(person.accountId)) return;
            told.add(person.accountId);
            // One "live" mail per person per Space, whichever list they are on.
            await this.#mail(repos, `mail:live:${spaceId}:${person.accountId}`, spaceId, make());
          };
          for (const person of await repos.schedule.recipients(job.payload.cohostIds)) await tell(person, () => cohostLiveMail(person.email, about));
          if (space) for (const person of await repos.schedule.subscribers(spaceId)) await tell(person, () => liveMail(person.email, about, this.stopLink(links, spaceId, person.accountId)));
          // An unlisted Space is for those holding its link: followers are not sent it.
          if (job.payload.visibility === 'public') {
            const profileLink = this.#link(`/@${hostProfile?.handle ?? ''}`);
            for (const person of await repos.schedule.followersOf(hostId)) await tell(person, () => followerLiveMail(person.email, about, profileLink));
          }
        });
      },
    });

    this.#queue.define(SCHEDULE_JOBS.changed, {
      payload: Change,
      handle: async (job) => {
        const links = await this.links();
        await job.finishWith(async (repos) => {
          const space = await repos.schedule.get(job.payload.spaceId);
          if (!space) return;
          // Mail tells of the change as it was made, even if another followed.
          const about = { ...(await this.#about(repos, space)), startsAt: job.payload.startsAt };
          for (const person of await repos.schedule.subscribers(space.id)) {
            const key = `mail:${job.payload.change}:${space.id}:${job.payload.revision}:${person.accountId}`;
            if (job.payload.change === 'cancelled') {
              await this.#mail(repos, key, space.id, cancelledMail(person.email, about));
              continue;
            }
            const message = rescheduledMail(person.email, about, this.stopLink(links, space.id, person.accountId));
            const calendar = spaceCalendar({ space: { ...space, startsAt: job.payload.startsAt, revision: job.payload.revision }, hostName: about.hostName, link: about.link, alarmLeadMs: this.#schedule.reminderLeadMs, now: job.now() });
            await this.#mail(repos, key, space.id, { ...message, attachments: [{ filename: 'space.ics', content: calendar, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] });
          }
        });
      },
    });
  }

  /** The Space, when it is still scheduled for the moment's start time (else the moment has passed on). */
  async #still(repos: Repositories, moment: { spaceId: string; startsAt: number }): Promise<ScheduledSpaceRecord | undefined> {
    const space = await repos.schedule.get(moment.spaceId);
    return space && space.status === 'scheduled' && space.startsAt === moment.startsAt ? space : undefined;
  }

  async #about(repos: Repositories, space: ScheduledSpaceRecord): Promise<MailSpace> {
    const host = await repos.profiles.byAccount(space.hostId);
    return { title: space.title, hostName: host?.displayName ?? 'The host', startsAt: space.startsAt, timeZone: space.timeZone, link: this.#link(spacePath(space.id)) };
  }

  /** The host and the co-hosts set up ahead. */
  #hosts(repos: Repositories, space: ScheduledSpaceRecord): Promise<Recipient[]> {
    return repos.schedule.recipients([space.hostId, ...space.cohostIds]);
  }

  #mail(repos: Repositories, key: string, spaceId: string, mail: MailJob): Promise<unknown> {
    return this.#queue.enqueue({ kind: MAIL_JOB, payload: mail, key, subject: `space:${spaceId}:mail` }, repos);
  }
}
