// What people see of Spaces without joining one: the Space page (/s/<id>) before, during and after
// it, pushed to open pages whenever it changes; the directory's Live now and Upcoming; a host's live
// ring and upcoming Spaces on their profile; and the calendar file. Only public Spaces are listed;
// an unlisted one shows to whoever holds its link.
import type { Directory, DirectoryLive, DirectoryUpcoming, SpacePage, SpaceViewer } from '../../shared/schedule.js';
import { spacePath } from '../../shared/schedule.js';
import type { PushEvent } from '../Member.js';
import type { Platform } from '../Platform.js';
import type { Sfu } from '../Sfu.js';
import type { Space } from '../Space.js';
import type { ScheduledSpaceRecord } from '../store/repositories/ScheduleRepository.js';
import { spaceCalendar } from './calendar.js';
import type { ScheduleService } from './ScheduleService.js';
import { SpaceWatchers } from './SpaceWatchers.js';

const DIRECTORY_UPCOMING = 50;

export class SpacePages {
  readonly watchers = new SpaceWatchers();
  readonly #sfu: Sfu;
  readonly #platform: Platform;
  readonly #schedule: ScheduleService;
  /** Why Spaces that ended on this process ended (the row of an unscheduled one is not ours to keep). */
  readonly #endedReasons = new Map<string, string>();

  constructor(init: { sfu: Sfu; platform: Platform; schedule: ScheduleService }) {
    this.#sfu = init.sfu;
    this.#platform = init.platform;
    this.#schedule = init.schedule;
  }

  #live(spaceId: string): Space | undefined {
    const space = this.#sfu.space(spaceId);
    return space?.status === 'live' ? space : undefined;
  }

  #summary(space: Space) {
    const { stage, listenerCount } = space.publicView();
    return { listenerCount, onStage: stage.map((m) => ({ displayName: m.displayName, role: m.role })), startedAt: space.startedAt };
  }

  /** The Space page as anyone sees it; undefined when no Space has that id. */
  async page(spaceId: string): Promise<SpacePage | undefined> {
    const repos = this.#platform.store.repos;
    const live = this.#live(spaceId);
    const listing = this.#schedule.listing(spaceId);
    const row = await repos.schedule.get(spaceId);
    if (!row && !live) {
      const ended = this.#endedReasons.get(spaceId);
      if (!ended) return undefined;
      return { spaceId, title: 'This Space', description: '', status: 'ended', host: null, startsAt: null, visibility: 'unlisted', admission: { kind: 'free' }, reminderCount: 0, serverTime: this.#platform.clock.now(), live: null, endReason: ended };
    }
    const hostId = row?.hostId ?? listing?.hostAccountId;
    const profile = hostId ? await repos.profiles.byAccount(hostId) : undefined;
    const host = profile ? { handle: profile.handle, displayName: profile.displayName } : (listing?.host ?? null);
    const reminderCount = row ? ((await repos.schedule.reminderCounts([spaceId])).get(spaceId) ?? 0) : 0;
    return {
      spaceId,
      title: live?.title ?? row!.title,
      description: row?.description ?? listing?.description ?? '',
      status: live ? 'live' : row!.status === 'live' ? 'live' : row!.status,
      host,
      startsAt: row?.startsAt ?? null,
      visibility: row?.visibility ?? listing?.visibility ?? 'unlisted',
      admission: row?.admission ?? { kind: 'free' },
      reminderCount,
      serverTime: this.#platform.clock.now(),
      live: live ? { ...this.#summary(live), invite: this.#sfu.invitation(spaceId, false) } : null,
      endReason: row?.endReason ?? this.#endedReasons.get(spaceId) ?? null,
    };
  }

  async viewer(spaceId: string, accountId: string | undefined): Promise<SpaceViewer> {
    if (!accountId) return { signedIn: false, reminded: false, following: false, isHost: false };
    const repos = this.#platform.store.repos;
    const hostId = await this.#schedule.hostOf(spaceId);
    const [reminded, following] = await Promise.all([
      repos.schedule.isReminded(spaceId, accountId),
      hostId && hostId !== accountId ? repos.follows.isFollowing(accountId, hostId) : Promise.resolve(false),
    ]);
    return { signedIn: true, reminded, following, isHost: hostId === accountId };
  }

  watch(spaceId: string, push: PushEvent): () => void {
    return this.watchers.add(spaceId, push);
  }

  /** Sends open pages of the Space how it stands now. */
  async publish(spaceId: string, ended?: { endedReason: string }): Promise<void> {
    if (ended) this.#endedReasons.set(spaceId, ended.endedReason);
    if (!this.watchers.watching(spaceId)) return;
    const page = await this.page(spaceId);
    if (page) this.watchers.publish(page);
  }

  // ---- the directory and profiles ------------------------------------------------------------------

  #liveEntries(filter: (hostId: string | undefined) => boolean = () => true): DirectoryLive[] {
    const out: DirectoryLive[] = [];
    for (const listing of this.#schedule.listings()) {
      const space = this.#live(listing.spaceId);
      if (!space || listing.visibility !== 'public' || !filter(listing.hostAccountId)) continue;
      out.push({ spaceId: space.id, title: space.title, host: listing.host, ...this.#summary(space) });
    }
    // The busiest first: that is where people are.
    return out.sort((a, b) => b.listenerCount - a.listenerCount || a.startedAt - b.startedAt);
  }

  async #upcomingEntries(rows: ScheduledSpaceRecord[], viewerId: string | undefined): Promise<DirectoryUpcoming[]> {
    const repos = this.#platform.store.repos;
    const ids = rows.map((r) => r.id);
    const [counts, reminded] = await Promise.all([repos.schedule.reminderCounts(ids), viewerId ? repos.schedule.remindedAmong(viewerId, ids) : Promise.resolve(new Set<string>())]);
    const hosts = new Map((await repos.schedule.recipients([...new Set(rows.map((r) => r.hostId))])).map((p) => [p.accountId, { handle: p.handle, displayName: p.displayName }]));
    return rows.map((row) => ({
      spaceId: row.id,
      title: row.title,
      description: row.description,
      host: hosts.get(row.hostId) ?? null,
      startsAt: row.startsAt,
      reminderCount: counts.get(row.id) ?? 0,
      reminded: reminded.has(row.id),
    }));
  }

  async directory(viewerId: string | undefined): Promise<Directory> {
    const repos = this.#platform.store.repos;
    const upcoming = await this.#upcomingEntries(await repos.schedule.publicUpcoming(DIRECTORY_UPCOMING), viewerId);
    const following = viewerId ? await repos.follows.following(viewerId, 100) : [];
    const liveByHost = new Map<string, { spaceId: string; title: string }>();
    for (const entry of this.#schedule.listings()) {
      const space = this.#live(entry.spaceId);
      if (space && entry.visibility === 'public' && entry.hostAccountId) liveByHost.set(entry.hostAccountId, { spaceId: space.id, title: space.title });
    }
    return {
      live: this.#liveEntries(),
      upcoming,
      // Those live first: their ring is what the row is for.
      following: following
        .map((p) => ({ handle: p.handle, displayName: p.displayName, live: liveByHost.get(p.accountId) ?? null }))
        .sort((a, b) => Number(b.live !== null) - Number(a.live !== null)),
      serverTime: this.#platform.clock.now(),
    };
  }

  /** A host's live ring and upcoming public Spaces, for their profile; undefined for nobody. */
  async profileSpaces(handle: string, viewerId: string | undefined) {
    const repos = this.#platform.store.repos;
    const profile = await repos.profiles.byHandle(handle);
    if (!profile || profile.banned) return undefined;
    const live = this.#liveEntries((hostId) => hostId === profile.accountId)[0];
    return {
      live: live ? { spaceId: live.spaceId, title: live.title } : null,
      upcoming: await this.#upcomingEntries(await repos.schedule.publicUpcoming(DIRECTORY_UPCOMING, profile.accountId), viewerId),
      serverTime: this.#platform.clock.now(),
    };
  }

  /** The Space's calendar file, or undefined when it was never scheduled. */
  async calendar(spaceId: string): Promise<string | undefined> {
    const repos = this.#platform.store.repos;
    const row = await repos.schedule.get(spaceId);
    if (!row) return undefined;
    const host = await repos.profiles.byAccount(row.hostId);
    return spaceCalendar({
      space: row,
      hostName: host?.displayName ?? 'the host',
      link: `${this.#platform.baseUrl}${spacePath(spaceId)}`,
      alarmLeadMs: this.#schedule.reminderLeadMs,
      now: this.#platform.clock.now(),
    });
  }
}
