// Scheduled Spaces and their reminders: the `spaces` rows of SpaceRepository with the scheduling
// columns of 0101_schedule, and `space_reminders`. Status changes are compare-and-set (from one
// status to another), so a host pressing Start now and the "missed" job running at the same moment,
// even in two processes, cannot both win.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Admission, ScheduledSpaceStatus, Visibility } from '../../../shared/schedule.js';
import type { StoreDb } from '../connect.js';
import type { AccountTables } from './AccountRepository.js';
import type { SpacesTable } from './SpaceRepository.js';

interface ScheduleColumns {
  description: string;
  visibility: Visibility;
  starts_at: number | null;
  time_zone: string | null;
  admission: string;
  cohost_ids: string;
  revision: number;
}

type SpaceRow = Omit<SpacesTable, 'status'> & ScheduleColumns & { status: ScheduledSpaceStatus };

export interface SpaceRemindersTable {
  space_id: string;
  account_id: string;
  created_at: number;
}

type Tables = AccountTables & { spaces: SpaceRow; space_reminders: SpaceRemindersTable };

export interface ScheduledSpaceRecord {
  id: string;
  title: string;
  description: string;
  hostId: string;
  status: ScheduledSpaceStatus;
  visibility: Visibility;
  startsAt: number;
  timeZone: string;
  admission: Admission;
  cohostIds: string[];
  requestPolicy: 'everyone' | 'invited';
  revision: number;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
}

/** Someone to mail: an account that is not suspended. */
export interface Recipient {
  accountId: string;
  email: string;
  displayName: string;
  handle: string;
}

function toRecord(row: SpaceRow): ScheduledSpaceRecord {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    hostId: row.host_user_id,
    status: row.status,
    visibility: row.visibility,
    startsAt: Number(row.starts_at),
    timeZone: row.time_zone ?? 'UTC',
    admission: JSON.parse(row.admission) as Admission,
    cohostIds: JSON.parse(row.cohost_ids) as string[],
    requestPolicy: row.request_policy,
    revision: Number(row.revision),
    createdAt: Number(row.created_at),
    startedAt: Number(row.started_at) > 0 ? Number(row.started_at) : null,
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endReason: row.end_reason,
  };
}

export interface NewScheduledSpace {
  id: string;
  title: string;
  description: string;
  hostId: string;
  visibility: Visibility;
  startsAt: number;
  timeZone: string;
  admission: Admission;
  cohostIds: string[];
  requestPolicy: 'everyone' | 'invited';
  maxSpeakers: number;
  maxCohosts: number;
}

export type ScheduleEdit = Partial<Pick<NewScheduledSpace, 'title' | 'description' | 'visibility' | 'startsAt' | 'timeZone' | 'admission' | 'cohostIds' | 'requestPolicy'>>;

export class ScheduleRepository {
  readonly #db: Kysely<Tables>;
  readonly #postgres: boolean;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
    this.#postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async create(space: NewScheduledSpace, now: number): Promise<void> {
    await this.#db
      .insertInto('spaces')
      .values({
        id: space.id,
        title: space.title,
        host_user_id: space.hostId,
        status: 'scheduled',
        request_policy: space.requestPolicy,
        max_speakers: space.maxSpeakers,
        max_cohosts: space.maxCohosts,
        queue: '[]',
        talk_time: '{}',
        created_at: now,
        // Not started yet: 0 (the column predates scheduling and is not nullable).
        started_at: 0,
        ended_at: null,
        end_reason: null,
        updated_at: now,
        description: space.description,
        visibility: space.visibility,
        starts_at: space.startsAt,
        time_zone: space.timeZone,
        admission: JSON.stringify(space.admission),
        cohost_ids: JSON.stringify(space.cohostIds),
        revision: 0,
      })
      .execute();
  }

  async get(id: string): Promise<ScheduledSpaceRecord | undefined> {
    const row = await this.#db.selectFrom('spaces').selectAll().where('id', '=', id).where('starts_at', 'is not', null).executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Holds the host's other scheduling until this transaction ends, so two requests at once cannot
   * both pass the per-host limit (PostgreSQL; SQLite runs one writing transaction at a time anyway).
   */
  async lockHost(hostId: string): Promise<void> {
    if (this.#postgres) await sql`select id from accounts where id = ${hostId} for update`.execute(this.#db);
  }

  /** The host's Spaces still to start, soonest first. */
  async upcomingOf(hostId: string): Promise<ScheduledSpaceRecord[]> {
    const rows = await this.#db
      .selectFrom('spaces')
      .selectAll()
      .where('host_user_id', '=', hostId)
      .where('status', '=', 'scheduled')
      .orderBy('starts_at')
      .execute();
    return rows.map(toRecord);
  }

  /** The host's scheduled Spaces that lately went live, were missed or cancelled (the studio shows them a while). */
  async recentOf(hostId: string, since: number): Promise<ScheduledSpaceRecord[]> {
    const rows = await this.#db
      .selectFrom('spaces')
      .selectAll()
      .where('host_user_id', '=', hostId)
      .where('starts_at', 'is not', null)
      .where('status', 'in', ['missed', 'cancelled', 'live'])
      .where('updated_at', '>=', since)
      .orderBy('starts_at')
      .execute();
    return rows.map(toRecord);
  }

  /** Public Spaces still to start, soonest first. */
  async publicUpcoming(limit: number, hostId?: string): Promise<ScheduledSpaceRecord[]> {
    let query = this.#db.selectFrom('spaces').selectAll().where('status', '=', 'scheduled').where('visibility', '=', 'public');
    if (hostId) query = query.where('host_user_id', '=', hostId);
    const rows = await query.orderBy('starts_at').orderBy('id').limit(limit).execute();
    return rows.map(toRecord);
  }

  /** Applies a host's edit while the Space is still scheduled; false when it no longer is. */
  async update(id: string, edit: ScheduleEdit, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('spaces')
      .set({
        ...(edit.title !== undefined ? { title: edit.title } : {}),
        ...(edit.description !== undefined ? { description: edit.description } : {}),
        ...(edit.visibility !== undefined ? { visibility: edit.visibility } : {}),
        ...(edit.startsAt !== undefined ? { starts_at: edit.startsAt } : {}),
        ...(edit.timeZone !== undefined ? { time_zone: edit.timeZone } : {}),
        ...(edit.admission !== undefined ? { admission: JSON.stringify(edit.admission) } : {}),
        ...(edit.cohostIds !== undefined ? { cohost_ids: JSON.stringify(edit.cohostIds) } : {}),
        ...(edit.requestPolicy !== undefined ? { request_policy: edit.requestPolicy } : {}),
        revision: sql<number>`revision + 1`,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Moves the Space from one status to another; false when it was not in `from` (someone else moved it first). */
  async transition(id: string, from: ScheduledSpaceStatus, to: ScheduledSpaceStatus, now: number, reason?: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('spaces')
      .set({
        status: to,
        updated_at: now,
        revision: sql<number>`revision + 1`,
        ...(to === 'live' ? { started_at: now } : {}),
        ...(to === 'ended' || to === 'missed' || to === 'cancelled' ? { ended_at: now, end_reason: reason ?? null } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A live Space's listing (public or unlisted, description), kept on its row so a restart keeps it. */
  async setListing(id: string, listing: { visibility: Visibility; description: string }, now: number): Promise<void> {
    await this.#db.updateTable('spaces').set({ visibility: listing.visibility, description: listing.description, updated_at: now }).where('id', '=', id).execute();
  }

  /** The listing of any Space row, scheduled or not. */
  async listingOf(id: string): Promise<{ visibility: Visibility; description: string; cohostIds: string[]; scheduled: boolean } | undefined> {
    const row = await this.#db.selectFrom('spaces').select(['visibility', 'description', 'cohost_ids', 'starts_at']).where('id', '=', id).executeTakeFirst();
    return row && { visibility: row.visibility, description: row.description, cohostIds: JSON.parse(row.cohost_ids) as string[], scheduled: row.starts_at !== null };
  }

  // ---- reminders ---------------------------------------------------------------------------------------

  /** Asking twice is once; true when this asked anew. */
  async remind(spaceId: string, accountId: string, now: number): Promise<boolean> {
    const result = await this.#db
      .insertInto('space_reminders')
      .values({ space_id: spaceId, account_id: accountId, created_at: now })
      .onConflict((oc) => oc.columns(['space_id', 'account_id']).doNothing())
      .returning('space_id')
      .executeTakeFirst();
    return result !== undefined;
  }

  async unremind(spaceId: string, accountId: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('space_reminders').where('space_id', '=', spaceId).where('account_id', '=', accountId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async isReminded(spaceId: string, accountId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('space_reminders').select('created_at').where('space_id', '=', spaceId).where('account_id', '=', accountId).executeTakeFirst();
    return row !== undefined;
  }

  async reminderCounts(spaceIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(spaceIds.map((id) => [id, 0]));
    if (spaceIds.length === 0) return out;
    const rows = await this.#db
      .selectFrom('space_reminders')
      .select(['space_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('space_id', 'in', spaceIds)
      .groupBy('space_id')
      .execute();
    for (const row of rows) out.set(row.space_id, Number(row.n));
    return out;
  }

  /** Which of `spaceIds` the account set a reminder for. */
  async remindedAmong(accountId: string, spaceIds: readonly string[]): Promise<Set<string>> {
    if (spaceIds.length === 0) return new Set();
    const rows = await this.#db.selectFrom('space_reminders').select('space_id').where('account_id', '=', accountId).where('space_id', 'in', spaceIds).execute();
    return new Set(rows.map((r) => r.space_id));
  }

  /** Everyone who set a reminder for the Space (not suspended), in the order they asked. */
  async subscribers(spaceId: string): Promise<Recipient[]> {
    const rows = await this.#db
      .selectFrom('space_reminders')
      .innerJoin('accounts', 'accounts.id', 'space_reminders.account_id')
      .innerJoin('profiles', 'profiles.account_id', 'accounts.id')
      .select(['accounts.id as accountId', 'accounts.email as email', 'profiles.display_name as displayName', 'profiles.handle as handle'])
      .where('space_reminders.space_id', '=', spaceId)
      .where('accounts.banned_at', 'is', null)
      .orderBy('space_reminders.created_at')
      .orderBy('accounts.id')
      .execute();
    return rows;
  }

  /** Accounts by id (not suspended), to mail the host and co-hosts. */
  async recipients(accountIds: readonly string[]): Promise<Recipient[]> {
    if (accountIds.length === 0) return [];
    return this.#db
      .selectFrom('accounts')
      .innerJoin('profiles', 'profiles.account_id', 'accounts.id')
      .select(['accounts.id as accountId', 'accounts.email as email', 'profiles.display_name as displayName', 'profiles.handle as handle'])
      .where('accounts.id', 'in', accountIds)
      .where('accounts.banned_at', 'is', null)
      .execute();
  }

  /** Everyone following the host (not suspended). */
  async followersOf(hostId: string): Promise<Recipient[]> {
    const db = this.#db.withTables<{ follows: { follower_id: string; followee_id: string; created_at: number } }>();
    return db
      .selectFrom('follows')
      .innerJoin('accounts', 'accounts.id', 'follows.follower_id')
      .innerJoin('profiles', 'profiles.account_id', 'accounts.id')
      .select(['accounts.id as accountId', 'accounts.email as email', 'profiles.display_name as displayName', 'profiles.handle as handle'])
      .where('follows.followee_id', '=', hostId)
      .where('accounts.banned_at', 'is', null)
      .orderBy('follows.created_at')
      .execute();
  }
}
