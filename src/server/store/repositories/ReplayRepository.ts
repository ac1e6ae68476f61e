// Replays and their clips as rows (migration 0400): what the replay service remembers about each
// recorded Space and each clip. The files themselves live in the replay folder.
import type { Kysely } from 'kysely';
import { RetentionSchema } from '../../../shared/replay.js';
import type { ClipRecord, ReplayRecord, ReplayStore } from '../../replay/ReplayStore.js';
import type { StoreDb } from '../connect.js';

interface ReplaysTable {
  space_id: string;
  title: string;
  host_user_id: string;
  host_name: string;
  status: ReplayRecord['status'];
  live_at: number;
  ended_at: number | null;
  duration_ms: number;
  trim_start_ms: number;
  retention: string;
  live_clips: number;
  ticketed: number;
  peak_listeners: number;
  unique_listeners: number;
  publish_ms: number | null;
  error: string | null;
}

interface ReplayClipsTable {
  id: string;
  space_id: string;
  title: string;
  start_ms: number;
  duration_ms: number;
  created_at: number;
  from_live: number;
  created_by: string | null;
}

type Tables = { replays: ReplaysTable; replay_clips: ReplayClipsTable };

function toRow(r: ReplayRecord): ReplaysTable {
  return {
    space_id: r.spaceId,
    title: r.title,
    host_user_id: r.hostUserId,
    host_name: r.hostName,
    status: r.status,
    live_at: r.liveAt,
    ended_at: r.endedAt,
    duration_ms: Math.round(r.durationMs),
    trim_start_ms: Math.round(r.trimStartMs),
    retention: JSON.stringify(r.retention),
    live_clips: r.liveClips ? 1 : 0,
    ticketed: r.ticketed ? 1 : 0,
    peak_listeners: r.peakListeners,
    unique_listeners: r.uniqueListeners,
    publish_ms: r.publishMs ?? null,
    error: r.error ?? null,
  };
}

function toReplay(row: ReplaysTable): ReplayRecord {
  return {
    spaceId: row.space_id,
    title: row.title,
    hostUserId: row.host_user_id,
    hostName: row.host_name,
    status: row.status,
    liveAt: Number(row.live_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    durationMs: Number(row.duration_ms),
    trimStartMs: Number(row.trim_start_ms),
    retention: RetentionSchema.parse(JSON.parse(row.retention)),
    liveClips: row.live_clips === 1,
    ticketed: row.ticketed === 1,
    peakListeners: row.peak_listeners,
    uniqueListeners: row.unique_listeners,
    ...(row.publish_ms === null ? {} : { publishMs: Number(row.publish_ms) }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

function toClip(row: ReplayClipsTable): ClipRecord {
  return {
    id: row.id,
    spaceId: row.space_id,
    title: row.title,
    startMs: Number(row.start_ms),
    durationMs: Number(row.duration_ms),
    createdAt: Number(row.created_at),
    fromLive: row.from_live === 1,
    createdBy: row.created_by,
  };
}

export class ReplayRepository implements ReplayStore {
  readonly #db: Kysely<Tables>;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
  }

  async getReplay(spaceId: string): Promise<ReplayRecord | undefined> {
    const row = await this.#db.selectFrom('replays').selectAll().where('space_id', '=', spaceId).executeTakeFirst();
    return row && toReplay(row);
  }

  async saveReplay(record: ReplayRecord): Promise<void> {
    const row = toRow(record);
    const { space_id: _id, ...changes } = row;
    await this.#db
      .insertInto('replays')
      .values(row)
      .onConflict((oc) => oc.column('space_id').doUpdateSet(changes))
      .execute();
  }

  async listReplays(): Promise<ReplayRecord[]> {
    return (await this.#db.selectFrom('replays').selectAll().orderBy('live_at').execute()).map(toReplay);
  }

  /** Forgets the replay and every clip of it (the clips go with it: on delete cascade, said again here for clarity). */
  async deleteReplay(spaceId: string): Promise<void> {
    await this.#db.deleteFrom('replay_clips').where('space_id', '=', spaceId).execute();
    await this.#db.deleteFrom('replays').where('space_id', '=', spaceId).execute();
  }

  async getClip(id: string): Promise<ClipRecord | undefined> {
    const row = await this.#db.selectFrom('replay_clips').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toClip(row);
  }

  async saveClip(clip: ClipRecord): Promise<void> {
    await this.#db
      .insertInto('replay_clips')
      .values({
        id: clip.id,
        space_id: clip.spaceId,
        title: clip.title,
        start_ms: clip.startMs,
        duration_ms: clip.durationMs,
        created_at: clip.createdAt,
        from_live: clip.fromLive ? 1 : 0,
        created_by: clip.createdBy,
      })
      .execute();
  }

  async listClips(spaceId: string): Promise<ClipRecord[]> {
    const rows = await this.#db.selectFrom('replay_clips').selectAll().where('space_id', '=', spaceId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toClip);
  }

  async deleteClip(id: string): Promise<void> {
    await this.#db.deleteFrom('replay_clips').where('id', '=', id).execute();
  }
}
