// Scheduled Spaces on the server: hosts schedule, edit, reschedule, cancel and start them; the rules
// (time zone, daylight saving, how far ahead, how many, duplicates) are checked here again whatever
// the studio checked. Every change lands in one transaction with the jobs it implies (reminders,
// the missed check, mail to subscribers), so a change and its consequences never part. Live Spaces
// get a listing here too (public or unlisted, description, host account, co-hosts set up ahead) for
// the directory, the Space page and the live ring.
import { randomBytes } from 'node:crypto';
import type { Person, ScheduleChange, ScheduleInput } from '../../shared/schedule.js';
import { ScheduleChangeSchema, ScheduleInputSchema, spacePath, type HostScheduledSpace, type Visibility } from '../../shared/schedule.js';
import { countRefusal, instantToZoned, sameMinute, startTimeRefusal, zonedToInstant, type ScheduleLimits, type ZonedInput } from '../../shared/schedule-time.js';
import { ApiError } from '../../shared/http/errors.js';
import { ProtocolError } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Platform } from '../Platform.js';
import type { Sfu } from '../Sfu.js';
import type { Space } from '../Space.js';
import type { Repositories } from '../store/repositories.js';
import type { ScheduledSpaceRecord } from '../store/repositories/ScheduleRepository.js';
import { ScheduleNotices } from './ScheduleNotices.js';
import { SpacePages } from './SpacePages.js';

/** What the directory and the Space page know about a live Space beyond its Stage. */
export interface LiveListing {
  spaceId: string;
  visibility: Visibility;
  description: string;
  /** The host's account; undefined for a host who is not signed in. */
  hostAccountId: string | undefined;
  host: Person | null;
  /** Accounts set up as co-hosts: they join on stage. */
  cohostIds: string[];
  /** Whether it was scheduled (its row moves to ended with it). */
  scheduled: boolean;
}

type ScheduleInputData = ReturnType<typeof ScheduleInputSchema.parse>;
type ScheduleChangeData = ReturnType<typeof ScheduleChangeSchema.parse>;

/** How long the studio's list keeps a scheduled Space that was missed, cancelled or went live. */
const RECENT_MS = 24 * 3_600_000;

export function newSpaceId(): string {
  return randomBytes(9).toString('base64url');
}

export class ScheduleService {
  readonly limits: ScheduleLimits;
  readonly reminderLeadMs: number;
  readonly missedAfterMs: number;
  readonly notices: ScheduleNotices;
  readonly pages: SpacePages;
  readonly #sfu: Sfu;
  readonly #platform: Platform;
  readonly #config: ServerConfig;
  readonly #logger: Logger;
  /** Live Spaces of this process, by id. */
  readonly #listings = new Map<string, LiveListing>();

  constructor(init: { sfu: Sfu; platform: Platform; config: ServerConfig; logger: Logger }) {
    this.#sfu = init.sfu;
    this.#platform = init.platform;
    this.#config = init.config;
    this.#logger = init.logger;
    this.limits = { maxDaysAhead: init.config.scheduleMaxDays, maxPerHost: init.config.scheduleMaxPerHost, minLeadMs: 60_000 };
    this.reminderLeadMs = init.config.reminderLeadMinutes * 60_000;
    this.missedAfterMs = init.config.missedAfterMinutes * 60_000;
    this.pages = new SpacePages({ sfu: init.sfu, platform: init.platform, schedule: this });
    this.notices = new ScheduleNotices({ platform: init.platform, schedule: this, logger: init.logger });
  }

  get #now(): number {
    return this.#platform.clock.now();
  }

  listing(spaceId: string): LiveListing | undefined {
    return this.#listings.get(spaceId);
  }

  listings(): LiveListing[] {
    return [...this.#listings.values()];
  }

  // ---- the host's scheduled Spaces (HTTP) -------------------------------------------------------------

  async create(hostId: string, raw: ScheduleInput): Promise<HostScheduledSpace> {
    const input: ScheduleInputData = ScheduleInputSchema.parse(raw);
    const startsAt = this.#startTime(input.start);
    const cohostIds = await this.#cohosts(hostId, input.cohosts);
    const id = newSpaceId();
    await this.#platform.store.transaction(async (repos) => {
      await repos.schedule.lockHost(hostId);
      const upcoming = await repos.schedule.upcomingOf(hostId);
      const over = countRefusal(upcoming.length, this.limits);
      if (over) throw new ApiError('conflict', over, { field: 'start' });
      const twin = upcoming.find((s) => sameMinute(s.startsAt, startsAt));
      if (twin) throw new ApiError('conflict', `you already have “${twin.title}” scheduled at that time; change that one or pick another time`, { field: 'start' });
      await repos.schedule.create(
        {
          id,
          title: input.title,
          description: input.description,
          hostId,
          visibility: input.visibility,
          startsAt,
          timeZone: input.start.timeZone,
          admission: input.admission,
          cohostIds,
          requestPolicy: input.requestPolicy,
          maxSpeakers: this.#config.maxSpeakers,
          maxCohosts: this.#config.maxCohosts,
        },
        this.#now,
      );
      await this.notices.planMilestones(repos, id, startsAt);
    });
    this.#logger.info('space scheduled', { spaceId: id, startsAt: new Date(startsAt).toISOString() });
    return this.hostView((await this.#platform.store.repos.schedule.get(id))!);
  }

  async update(hostId: string, spaceId: string, raw: ScheduleChange): Promise<HostScheduledSpace> {
    const change: ScheduleChangeData = ScheduleChangeSchema.parse(raw);
    const current = await this.#owned(hostId, spaceId);
    const startsAt = change.start ? this.#startTime(change.start) : undefined;
    const cohostIds = change.cohosts ? await this.#cohosts(hostId, change.cohosts) : undefined;
    const moved = startsAt !== undefined && startsAt !== current.startsAt;
    await this.#platform.store.transaction(async (repos) => {
      if (moved) {
        const twin = (await repos.schedule.upcomingOf(hostId)).find((s) => s.id !== spaceId && sameMinute(s.startsAt, startsAt));
        if (twin) throw new ApiError('conflict', `you already have “${twin.title}” scheduled at that time`, { field: 'start' });
      }
      const updated = await repos.schedule.update(
        spaceId,
        {
          ...(change.title !== undefined ? { title: change.title } : {}),
          ...(change.description !== undefined ? { description: change.description } : {}),
          ...(change.visibility !== undefined ? { visibility: change.visibility } : {}),
          ...(change.admission !== undefined ? { admission: change.admission } : {}),
          ...(change.requestPolicy !== undefined ? { requestPolicy: change.requestPolicy } : {}),
          ...(cohostIds !== undefined ? { cohostIds } : {}),
          ...(startsAt !== undefined && change.start ? { startsAt, timeZone: change.start.timeZone } : {}),
        },
        this.#now,
      );
      if (!updated) throw new ApiError('conflict', 'this Space is no longer scheduled (it started, was missed or was cancelled)');
      if (moved) {
        await this.notices.cancelMilestones(repos, spaceId);
        await this.notices.planMilestones(repos, spaceId, startsAt);
        const after = (await repos.schedule.get(spaceId))!;
        await this.notices.announceChange(repos, after, 'rescheduled');
      }
    });
    const after = (await this.#platform.store.repos.schedule.get(spaceId))!;
    if (moved) this.#logger.info('space rescheduled', { spaceId, startsAt: new Date(after.startsAt).toISOString() });
    await this.pages.publish(spaceId);
    return this.hostView(after);
  }

  async cancel(hostId: string, spaceId: string): Promise<HostScheduledSpace> {
    await this.#owned(hostId, spaceId);
    await this.#platform.store.transaction(async (repos) => {
      if (!(await repos.schedule.transition(spaceId, 'scheduled', 'cancelled', this.#now, 'the host cancelled it'))) {
        throw new ApiError('conflict', 'this Space is no longer scheduled (it started, was missed or was cancelled)');
      }
      await this.notices.cancelMilestones(repos, spaceId);
      await this.notices.announceChange(repos, (await repos.schedule.get(spaceId))!, 'cancelled');
    });
    this.#logger.info('scheduled space cancelled', { spaceId });
    await this.pages.publish(spaceId);
    return this.hostView((await this.#platform.store.repos.schedule.get(spaceId))!);
  }

  /** The host's upcoming Spaces, soonest first, and those that lately started, were missed or cancelled. */
  async mine(hostId: string): Promise<HostScheduledSpace[]> {
    const repos = this.#platform.store.repos;
    const [upcoming, recent] = await Promise.all([repos.schedule.upcomingOf(hostId), repos.schedule.recentOf(hostId, this.#now - RECENT_MS)]);
    const all = [...upcoming, ...recent].sort((a, b) => a.startsAt - b.startsAt);
    const counts = await repos.schedule.reminderCounts(all.map((s) => s.id));
    return Promise.all(all.map((s) => this.hostView(s, counts.get(s.id) ?? 0)));
  }

  async hostView(space: ScheduledSpaceRecord, reminderCount?: number): Promise<HostScheduledSpace> {
    const repos = this.#platform.store.repos;
    const cohosts = await repos.schedule.recipients(space.cohostIds);
    return {
      spaceId: space.id,
      title: space.title,
      description: space.description,
      status: space.status,
      startsAt: space.startsAt,
      timeZone: space.timeZone,
      local: instantToZoned(space.startsAt, space.timeZone),
      visibility: space.visibility,
      admission: space.admission,
      requestPolicy: space.requestPolicy,
      cohosts: space.cohostIds.flatMap((id) => cohosts.filter((c) => c.accountId === id).map((c) => ({ handle: c.handle, displayName: c.displayName }))),
      reminderCount: reminderCount ?? (await repos.schedule.reminderCounts([space.id])).get(space.id) ?? 0,
      sharePath: spacePath(space.id),
    };
  }

  /** The instant a start names, within the limits; an ApiError naming the reason otherwise. */
  #startTime(start: ZonedInput): number {
    const result = zonedToInstant(start);
    if (!result.ok) throw new ApiError('invalid_payload', result.reason, { field: 'start' });
    const refusal = startTimeRefusal(result.startsAt, this.#now, this.limits);
    if (refusal) throw new ApiError('invalid_payload', refusal, { field: 'start' });
    return result.startsAt;
  }

  /** Account ids of the co-hosts named by handle: people with a profile, not the host, within the limit. */
  async #cohosts(hostId: string, handles: readonly string[]): Promise<string[]> {
    const unique = [...new Set(handles)];
    if (unique.length > this.#config.maxCohosts) throw new ApiError('invalid_payload', `a Space has at most ${this.#config.maxCohosts} co-hosts`, { field: 'cohosts' });
    const ids: string[] = [];
    for (const handle of unique) {
      const profile = await this.#platform.store.repos.profiles.byHandle(handle);
      if (!profile || profile.banned) throw new ApiError('invalid_payload', `nobody has the handle @${handle}`, { field: 'cohosts' });
      if (profile.accountId === hostId) throw new ApiError('invalid_payload', 'you host it already; co-hosts are other people', { field: 'cohosts' });
      ids.push(profile.accountId);
    }
    return ids;
  }

  async #owned(hostId: string, spaceId: string): Promise<ScheduledSpaceRecord> {
    const space = await this.#platform.store.repos.schedule.get(spaceId);
    if (!space) throw new ApiError('not_found', 'no scheduled Space has that id');
    if (space.hostId !== hostId) throw new ApiError('forbidden', 'only its host may change a scheduled Space');
    return space;
  }

  // ---- going live ---------------------------------------------------------------------------------------

  /** Start now: the scheduled Space goes live under its own id with everything it was set up with. */
  async start(accountId: string, init: { spaceId: string; hostName: string; userToken?: string; captions?: boolean }) {
    const space = await this.#platform.store.repos.schedule.get(init.spaceId);
    if (!space) throw new ProtocolError('not_found', 'no scheduled Space has that id');
    if (space.hostId !== accountId) throw new ProtocolError('forbidden', 'only its host may start a scheduled Space');
    if (space.status !== 'scheduled') throw new ProtocolError('conflict', `this Space was ${space.status === 'missed' ? 'marked missed' : space.status}; schedule a new one`);
    // Whoever moves the row first starts it (another press, another process, the missed check).
    if (!(await this.#platform.store.repos.schedule.transition(space.id, 'scheduled', 'live', this.#now))) {
      throw new ProtocolError('conflict', 'this Space is starting or has started already');
    }
    let created: Awaited<ReturnType<Sfu['createSpace']>>;
    try {
      created = await this.#sfu.createSpace({ id: space.id, title: space.title, hostName: init.hostName, accountId, requestPolicy: space.requestPolicy, ...(init.userToken ? { userToken: init.userToken } : {}), ...(init.captions !== undefined ? { captions: init.captions } : {}) });
    } catch (error) {
      await this.#platform.store.repos.schedule.transition(space.id, 'live', 'scheduled', this.#now);
      throw error;
    }
    await this.#platform.store.transaction((repos) => this.notices.cancelMilestones(repos, space.id));
    await this.wentLive(created.space, { accountId, visibility: space.visibility, description: space.description, cohostIds: space.cohostIds, scheduled: true });
    return created;
  }

  /**
   * A Space went live (scheduled or not): list it, tell whom it concerns (subscribers, co-hosts, and
   * followers when it is public), and follow it to its end.
   */
  async wentLive(space: Space, init: { accountId: string | undefined; visibility: Visibility; description: string; cohostIds?: string[]; scheduled?: boolean }): Promise<void> {
    const profile = init.accountId ? await this.#platform.store.repos.profiles.byAccount(init.accountId) : undefined;
    const listing: LiveListing = {
      spaceId: space.id,
      visibility: init.visibility,
      description: init.description,
      hostAccountId: init.accountId,
      host: profile ? { handle: profile.handle, displayName: profile.displayName } : null,
      cohostIds: init.cohostIds ?? [],
      scheduled: init.scheduled ?? false,
    };
    this.#listings.set(space.id, listing);
    space.once('ended', (reason) => void this.#ended(space.id, listing, reason));
    // On the Space's row, after the row itself (the journal commits keys in the order they appeared).
    if (!listing.scheduled) this.#platform.journal.write(`space:${space.id}:listing`, (r) => r.schedule.setListing(space.id, { visibility: listing.visibility, description: listing.description }, this.#now));
    try {
      if (init.accountId && (listing.scheduled || listing.visibility === 'public' || listing.cohostIds.length > 0)) {
        await this.notices.announceLive(space.id, space.title, init.accountId, listing);
      }
    } catch (error) {
      // The Space is live either way; the announcement is retried by nothing, so say so loudly.
      this.#logger.error('could not queue the live announcement', { spaceId: space.id, error });
    }
    await this.pages.publish(space.id);
  }

  /** A live Space came back after a restart: list it again as it was (nobody is mailed again). */
  async restored(space: Space): Promise<void> {
    const stored = await this.#platform.store.repos.schedule.listingOf(space.id);
    if (!stored) return;
    const profile = await this.#platform.store.repos.profiles.byAccount(space.hostUserId);
    const listing: LiveListing = {
      spaceId: space.id,
      visibility: stored.visibility,
      description: stored.description,
      hostAccountId: profile ? space.hostUserId : undefined,
      host: profile ? { handle: profile.handle, displayName: profile.displayName } : null,
      cohostIds: stored.cohostIds,
      scheduled: stored.scheduled,
    };
    this.#listings.set(space.id, listing);
    space.once('ended', (reason) => void this.#ended(space.id, listing, reason));
  }

  async #ended(spaceId: string, listing: LiveListing, reason: string): Promise<void> {
    this.#listings.delete(spaceId);
    try {
      if (listing.scheduled) await this.#platform.store.repos.schedule.transition(spaceId, 'live', 'ended', this.#now, reason);
      await this.pages.publish(spaceId, { endedReason: reason });
    } catch (error) {
      this.#logger.warn('could not record a scheduled Space ending', { spaceId, error });
    }
  }

  /** A signed-in co-host set up ahead joins on stage as a co-host (while there is room). */
  roleOnJoin(space: Space, accountId: string | undefined, role: Role): Role {
    if (role !== 'listener' || !accountId) return role;
    if (!this.#listings.get(space.id)?.cohostIds.includes(accountId)) return role;
    const cohosts = space.members().filter((m) => m.role === 'cohost').length;
    return cohosts < space.policy.maxCohosts ? 'cohost' : role;
  }

  /** Whether this account set up `spaceId`: its host (the Space page says "you host this"). */
  async hostOf(spaceId: string): Promise<string | undefined> {
    return this.#listings.get(spaceId)?.hostAccountId ?? (await this.#platform.store.repos.schedule.get(spaceId))?.hostId;
  }

  /** For handlers that need the repositories in a transaction of their own. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.#platform.store.transaction(work);
  }
}
