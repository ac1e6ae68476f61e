// Where replays and clips are remembered: one record per recorded Space (its state, the host's
// settings, the audience figures) and one per clip. The interface is what the replay service needs;
// FileReplayStore keeps it in one JSON file beside the recordings, rewritten atomically on each change.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ClipInfoSchema, RetentionSchema } from '../../shared/replay.js';

const ReplayRecordSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  hostUserId: z.string(),
  hostName: z.string(),
  status: z.enum(['recording', 'processing', 'published', 'failed']),
  liveAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number(),
  trimStartMs: z.number(),
  retention: RetentionSchema,
  liveClips: z.boolean(),
  /** A ticketed Space's replay needs a ticket (see ReplayAccess). */
  ticketed: z.boolean(),
  peakListeners: z.number(),
  uniqueListeners: z.number(),
  /** How long publishing took, ms (from the end of the Space to the replay being playable). */
  publishMs: z.number().optional(),
  error: z.string().optional(),
});
export type ReplayRecord = z.infer<typeof ReplayRecordSchema>;

/** A clip as kept: what its page shows (without the URLs, made from the id) and who cut it. */
const ClipRecordSchema = ClipInfoSchema.omit({ pagePath: true, audioUrl: true }).extend({
  /** The user who cut it, when known. */
  createdBy: z.string().nullable(),
});
export type ClipRecord = z.infer<typeof ClipRecordSchema>;

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

const FileSchema = z.object({ replays: z.record(z.string(), ReplayRecordSchema), clips: z.record(z.string(), ClipRecordSchema) });

export class FileReplayStore implements ReplayStore {
  readonly #dir: string;
  readonly #path: string;
  readonly #replays = new Map<string, ReplayRecord>();
  readonly #clips = new Map<string, ClipRecord>();

  constructor(dir: string) {
    this.#dir = dir;
    this.#path = join(dir, 'replays.json');
    let text: string | undefined;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      // None yet.
    }
    if (text !== undefined) {
      const stored = FileSchema.parse(JSON.parse(text));
      for (const [id, r] of Object.entries(stored.replays)) this.#replays.set(id, r);
      for (const [id, c] of Object.entries(stored.clips)) this.#clips.set(id, c);
    }
  }

  async getReplay(spaceId: string) {
    const r = this.#replays.get(spaceId);
    return r && { ...r };
  }

  async saveReplay(record: ReplayRecord) {
    this.#replays.set(record.spaceId, { ...record });
    this.#write();
  }

  async listReplays() {
    return [...this.#replays.values()].map((r) => ({ ...r }));
  }

  async deleteReplay(spaceId: string) {
    this.#replays.delete(spaceId);
    for (const [id, clip] of this.#clips) if (clip.spaceId === spaceId) this.#clips.delete(id);
    this.#write();
  }

  async getClip(id: string) {
    const c = this.#clips.get(id);
    return c && { ...c };
  }

  async saveClip(clip: ClipRecord) {
    this.#clips.set(clip.id, { ...clip });
    this.#write();
  }

  async listClips(spaceId: string) {
    return [...this.#clips.values()].filter((c) => c.spaceId === spaceId).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteClip(id: string) {
    this.#clips.delete(id);
    this.#write();
  }

  #write(): void {
    // Made on first use, so a service that never records leaves no folder behind.
    mkdirSync(this.#dir, { recursive: true });
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ replays: Object.fromEntries(this.#replays), clips: Object.fromEntries(this.#clips) }));
    renameSync(tmp, this.#path);
  }
}
