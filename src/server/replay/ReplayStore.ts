// What the replay service remembers: one record per recorded Space (its state, the host's settings,
// the audience figures) and one per clip. The interface is what the service needs; the store's
// ReplayRepository (migration 0400) keeps them in SQLite or PostgreSQL like everything else.
import type { ClipInfo, ReplayStatus, Retention } from '../../shared/replay.js';

export interface ReplayRecord {
  spaceId: string;
  title: string;
  hostUserId: string;
  hostName: string;
  status: ReplayStatus;
  liveAt: number;
  endedAt: number | null;
  durationMs: number;
  trimStartMs: number;
  retention: Retention;
  liveClips: boolean;
  /** A ticketed Space's replay needs a ticket (see ReplayAccess). */
  ticketed: boolean;
  peakListeners: number;
  uniqueListeners: number;
  /** How long publishing took, ms (from the end of the Space to the replay being playable). */
  publishMs?: number;
  error?: string;
}

/** A clip as kept: what its page shows (without the URLs, made from the id) and who cut it. */
export type ClipRecord = Omit<ClipInfo, 'pagePath' | 'audioUrl'> & {
  /** The user who cut it, when known. */
  createdBy: string | null;
};

export interface ReplayStore {
  getReplay(spaceId: string): Promise<ReplayRecord | undefined>;
  saveReplay(record: ReplayRecord): Promise<void>;
  listReplays(): Promise<ReplayRecord[]>;
  /** Forgets the replay and every clip of it. */
  deleteReplay(spaceId: string): Promise<void>;
  getClip(id: string): Promise<ClipRecord | undefined>;
  saveClip(clip: ClipRecord): Promise<void>;
  listClips(spaceId: string): Promise<ClipRecord[]>;
  deleteClip(id: string): Promise<void>;
}
