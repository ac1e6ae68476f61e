// Spaces and their members as rows: what a restarted service needs to bring a live Space back (roles,
// queue order, mutes, bans), and what scheduling, replays and the directory read later.
import type { Kysely } from 'kysely';
import type { StoreDb } from '../connect.js';

export type SpaceStatusValue = 'scheduled' | 'live' | 'ended';
export type RoleValue = 'host' | 'cohost' | 'speaker' | 'listener';

export interface SpacesTable {
  id: string;
  title: string;
  host_user_id: string;
  status: SpaceStatusValue;
  request_policy: 'everyone' | 'invited';
  max_speakers: number;
  max_cohosts: number;
  queue: string;
  talk_time: string;
  created_at: number;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  updated_at: number;
}

export interface SpaceMembersTable {
  space_id: string;
  member_id: string;
  user_id: string;
  display_name: string;
  role: RoleValue;
  muted: number;
  can_request: number;
  stage_since: number;
  joined_at: number;
  resume_hash: string;
  invitation: string | null;
}

export interface SpaceBansTable {
  space_id: string;
  user_id: string;
  created_at: number;
}

type Tables = { spaces: SpacesTable; space_members: SpaceMembersTable; space_bans: SpaceBansTable };

export interface QueuedHand {
  memberId: string;
  raisedAt: number;
}

export interface SpaceRecord {
  id: string;
  title: string;
  hostUserId: string;
  status: SpaceStatusValue;
  policy: { requestPolicy: 'everyone' | 'invited'; maxSpeakers: number; maxCohosts: number };
  queue: QueuedHand[];
  talkTimeMs: Record<string, number>;
  createdAt: number;
  startedAt: number;
  endedAt: number | null;
  endReason: string | null;
}

export interface MemberRecord {
  memberId: string;
  userId: string;
  displayName: string;
  role: RoleValue;
  muted: boolean;
  canRequest: boolean;
  stageSince: number;
  joinedAt: number;
  resumeHash: string;
  invitation: { as: 'speaker' | 'cohost'; from: string } | null;
}

/** A live Space as stored: enough to rebuild it. */
export interface StoredSpace {
  space: SpaceRecord;
  members: MemberRecord[];
  bans: string[];
}

function toSpace(row: SpacesTable): SpaceRecord {
  return {
    id: row.id,
    title: row.title,
    hostUserId: row.host_user_id,
    status: row.status,
    policy: { requestPolicy: row.request_policy, maxSpeakers: row.max_speakers, maxCohosts: row.max_cohosts },
    queue: JSON.parse(row.queue) as QueuedHand[],
    talkTimeMs: JSON.parse(row.talk_time) as Record<string, number>,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
  };
}

function toMemberRow(spaceId: string, m: MemberRecord): SpaceMembersTable {
  return {
    space_id: spaceId,
    member_id: m.memberId,
    user_id: m.userId,
    display_name: m.displayName,
    role: m.role,
    muted: m.muted ? 1 : 0,
    can_request: m.canRequest ? 1 : 0,
    stage_since: m.stageSince,
    joined_at: m.joinedAt,
    resume_hash: m.resumeHash,
    invitation: m.invitation ? JSON.stringify(m.invitation) : null,
  };
}

function toMember(row: SpaceMembersTable): MemberRecord {
  return {
    memberId: row.member_id,
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    muted: row.muted === 1,
    canRequest: row.can_request === 1,
    stageSince: row.stage_since,
    joinedAt: row.joined_at,
    resumeHash: row.resume_hash,
    invitation: row.invitation ? (JSON.parse(row.invitation) as MemberRecord['invitation']) : null,
  };
}

export class SpaceRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
  }

  async create(space: SpaceRecord, now: number): Promise<void> {
    await this.#db
      .insertInto('spaces')
      .values({
        id: space.id,
        title: space.title,
        host_user_id: space.hostUserId,
        status: space.status,
        request_policy: space.policy.requestPolicy,
        max_speakers: space.policy.maxSpeakers,
        max_cohosts: space.policy.maxCohosts,
        queue: JSON.stringify(space.queue),
        talk_time: JSON.stringify(space.talkTimeMs),
        created_at: space.createdAt,
        started_at: space.startedAt,
        ended_at: space.endedAt,
        end_reason: space.endReason,
        updated_at: now,
      })
      .execute();
  }

  async setQueue(spaceId: string, queue: readonly QueuedHand[], now: number): Promise<void> {
    await this.#db.updateTable('spaces').set({ queue: JSON.stringify(queue), updated_at: now }).where('id', '=', spaceId).execute();
  }

  async setPolicy(spaceId: string, policy: SpaceRecord['policy'], now: number): Promise<void> {
    await this.#db
      .updateTable('spaces')
      .set({ request_policy: policy.requestPolicy, max_speakers: policy.maxSpeakers, max_cohosts: policy.maxCohosts, updated_at: now })
      .where('id', '=', spaceId)
      .execute();
  }

  async setTalkTime(spaceId: string, talkTimeMs: Record<string, number>, now: number): Promise<void> {
    await this.#db.updateTable('spaces').set({ talk_time: JSON.stringify(talkTimeMs), updated_at: now }).where('id', '=', spaceId).execute();
  }

  /** Ends the Space: its row stays (history, replays); who was in it does not. */
  async end(spaceId: string, reason: string, now: number): Promise<void> {
    await this.#db.updateTable('spaces').set({ status: 'ended', ended_at: now, end_reason: reason, updated_at: now }).where('id', '=', spaceId).execute();
    await this.#db.deleteFrom('space_members').where('space_id', '=', spaceId).execute();
  }

  /** Writes a member's whole row (joined, or anything about them changed). */
  async putMember(spaceId: string, member: MemberRecord): Promise<void> {
    const row = toMemberRow(spaceId, member);
    const { space_id: _s, member_id: _m, ...changes } = row;
    await this.#db
      .insertInto('space_members')
      .values(row)
      .onConflict((oc) => oc.columns(['space_id', 'member_id']).doUpdateSet(changes))
      .execute();
  }

  async removeMember(spaceId: string, memberId: string): Promise<void> {
    await this.#db.deleteFrom('space_members').where('space_id', '=', spaceId).where('member_id', '=', memberId).execute();
  }

  async addBan(spaceId: string, userId: string, now: number): Promise<void> {
    await this.#db
      .insertInto('space_bans')
      .values({ space_id: spaceId, user_id: userId, created_at: now })
      .onConflict((oc) => oc.columns(['space_id', 'user_id']).doNothing())
      .execute();
  }

  async get(spaceId: string): Promise<SpaceRecord | undefined> {
    const row = await this.#db.selectFrom('spaces').selectAll().where('id', '=', spaceId).executeTakeFirst();
    return row && toSpace(row);
  }

  /** Every live Space with its members (in join order) and bans: what a restart brings back. */
  async live(): Promise<StoredSpace[]> {
    const spaces = await this.#db.selectFrom('spaces').selectAll().where('status', '=', 'live').orderBy('started_at').execute();
    if (spaces.length === 0) return [];
    const ids = spaces.map((s) => s.id);
    const members = await this.#db.selectFrom('space_members').selectAll().where('space_id', 'in', ids).orderBy('joined_at').orderBy('member_id').execute();
    const bans = await this.#db.selectFrom('space_bans').selectAll().where('space_id', 'in', ids).execute();
    return spaces.map((row) => ({
      space: toSpace(row),
      members: members.filter((m) => m.space_id === row.id).map(toMember),
      bans: bans.filter((b) => b.space_id === row.id).map((b) => b.user_id),
    }));
  }
}
