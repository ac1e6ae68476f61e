// Replays of the service's Spaces, from the host turning Replay on to the replay's deletion: records
// live Spaces (one ReplayRecorder each), publishes the replay when a Space ends, recovers recordings a
// crash interrupted, cuts clips (from a replay, or the last 30 s while live), applies the host's trim,
// retention and deletion, and answers what the replay page shows. The files live in one folder per
// Space under `root`; the records in a ReplayStore.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtocolError } from '../../shared/errors.js';
import { CLIP_MS, type ClipInfo, type LiveReplayState, type ReplayInfo, type ReplayTimeline, type Retention } from '../../shared/replay.js';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import type { Space } from '../Space.js';
import { liveClipArgs, runFfmpeg } from './ffmpeg.js';
import { RecordingFolder } from './RecordingFolder.js';
import { cutClip, finishInterrupted, MASTER_TIMELINE, packageReplay, publishView, REPLAY_AUDIO, REPLAY_CAPTIONS, REPLAY_TIMELINE } from './ReplayPackager.js';
import { ReplayRecorder } from './ReplayRecorder.js';
import { openUnlessTicketed, type ReplayAccessPolicy } from './ReplayAccess.js';
import type { ClipRecord, ReplayRecord, ReplayStore } from './ReplayStore.js';
import type { CaptionCue } from './timeline.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired replays are looked for this often. */
const SWEEP_MS = 60 * 60 * 1000;

/** Where a Space's captions come from, when it had them (the captions service; none by default). */
export type CaptionSource = (spaceId: string) => Promise<CaptionCue[]>;

export type ReplayServiceEvents = {
  /** A replay is playable (first publication, or again after a trim). */
  published: [record: ReplayRecord];
  failed: [spaceId: string, error: Error];
  deleted: [spaceId: string];
};

export interface ReplayServiceOptions {
  /** The folder every recording and replay lives under. */
  root: string;
  store: ReplayStore;
  logger: Logger;
  /** Retention of a new replay: keep (0) or this many days. */
  retentionDays: number;
  ffmpeg?: string;
  captions?: CaptionSource;
}

export class ReplayService extends TypedEmitter<ReplayServiceEvents> {
  readonly root: string;
  readonly store: ReplayStore;
  /** Who may hear a replay: the ticketing service replaces this to let ticket holders in. */
  access: ReplayAccessPolicy = openUnlessTicketed;
  readonly #logger: Logger;
  readonly #retentionDays: number;
  readonly #ffmpeg: string | undefined;
  readonly #captions: CaptionSource | undefined;
  /** The recorders of live Spaces. */
  readonly #recorders = new Map<string, { recorder: ReplayRecorder; space: Space }>();
  /** Whether listeners may clip the last 30 s, per live Space (kept in the record too). */
  readonly #liveClips = new Map<string, boolean>();
  /** Work on one replay runs one job at a time (publish, trim, clip, delete). */
  readonly #queues = new Map<string, Promise<unknown>>();
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: ReplayServiceOptions) {
    super();
    this.root = options.root;
    this.store = options.store;
    this.#logger = options.logger.child({ component: 'replays' });
    this.#retentionDays = options.retentionDays;
    this.#ffmpeg = options.ffmpeg;
    this.#captions = options.captions;
  }

  /** Starts the retention sweep and finishes what a crash left: run once at start. */
  async start(liveSpaceIds: ReadonlySet<string> = new Set()): Promise<void> {
    await this.recover(liveSpaceIds);
    await this.sweep();
    this.#sweepTimer = setInterval(() => void this.sweep().catch((error: unknown) => this.#logger.error('retention sweep failed', { error })), SWEEP_MS);
    this.#sweepTimer.unref();
  }

  folder(spaceId: string): RecordingFolder {
    return new RecordingFolder(join(this.root, spaceId));
  }

  // ---- live -----------------------------------------------------------------------------------------

  /** What the Space's members see: whether it is being recorded, and whether they may clip it live. */
  liveState(spaceId: string): LiveReplayState {
    const live = this.#recorders.get(spaceId);
    return { recording: live?.recorder.recording ?? false, liveClips: live ? (this.#liveClips.get(spaceId) ?? false) : false };
  }

  /**
   * Turns Replay on for a live Space: starts recording (or resumes after the host paused it). The
   * first time, the replay's record is made with the service's default retention.
   */
  async enable(space: Space, options: { hostName: string; liveClips?: boolean }): Promise<LiveReplayState> {
    if (this.#closed) throw new ProtocolError('conflict', 'the service is shutting down');
    if (space.status !== 'live') throw new ProtocolError('space_ended', 'this space has ended');
    const live = this.#recorders.get(space.id);
    if (live) {
      live.recorder.resume('paused');
      if (options.liveClips !== undefined) await this.setLiveClips(space, options.liveClips);
      this.#announce(space);
      return this.liveState(space.id);
    }
    const existing = await this.store.getReplay(space.id);
    if (existing && existing.status !== 'recording') throw new ProtocolError('conflict', 'this space already has a replay');
    const record: ReplayRecord = existing ?? {
      spaceId: space.id,
      title: space.title,
      hostUserId: space.hostUserId,
      hostName: options.hostName,
      status: 'recording',
      liveAt: space.startedAt,
      endedAt: null,
      durationMs: 0,
      trimStartMs: 0,
      retention: this.#retentionDays > 0 ? { mode: 'days', days: this.#retentionDays } : { mode: 'keep' },
      liveClips: options.liveClips ?? false,
      ticketed: false,
      peakListeners: 0,
      uniqueListeners: 0,
    };
    if (options.liveClips !== undefined) record.liveClips = options.liveClips;
    await this.store.saveReplay(record);
    await this.#startRecorder(space, record, existing !== undefined);
    return this.liveState(space.id);
  }

  /** Turns Replay off while live: recording pauses; the replay skips the stretch. */
  disable(space: Space): LiveReplayState {
    this.#recorders.get(space.id)?.recorder.pause();
    this.#announce(space);
    return this.liveState(space.id);
  }

  async setLiveClips(space: Space, allowed: boolean): Promise<void> {
    const record = await this.store.getReplay(space.id);
    if (!record) throw new ProtocolError('conflict', 'turn Replay on first');
    record.liveClips = allowed;
    await this.store.saveReplay(record);
    this.#liveClips.set(space.id, allowed);
    this.#announce(space);
  }

  /** A host's marker: a chapter of the replay starts here. */
  mark(space: Space, title: string): { atMs: number } {
    const live = this.#recorders.get(space.id);
    if (!live?.recorder.recording) throw new ProtocolError('conflict', 'the replay is not recording');
    return { atMs: live.recorder.mark(title) };
  }

  /** The last 30 s of a live Space, as a clip (when the host allows live clips). */
  async liveClip(space: Space, by: string | null, title?: string): Promise<ClipInfo> {
    const live = this.#recorders.get(space.id);
    if (!live) throw new ProtocolError('conflict', 'this space is not being recorded');
    if (!this.#liveClips.get(space.id)) throw new ProtocolError('forbidden', 'the host does not allow clips while live');
    const { positionMs } = live.recorder.flushNow();
    if (positionMs < 1000) throw new ProtocolError('conflict', 'there is not a second of audio to clip yet');
    const startMs = Math.max(0, positionMs - CLIP_MS);
    const durationMs = Math.round(positionMs - startMs);
    const folder = live.recorder.folder;
    const tracks = folder.readManifest().tracks.map((t) => folder.path(t.file));
    if (tracks.length === 0) throw new ProtocolError('conflict', 'nobody has spoken yet');
    const clip = this.#newClip(space.id, title ?? `${space.title}: live clip`, Math.round(startMs), durationMs, true, by);
    await this.#clipDir(space.id);
    await runFfmpeg(liveClipArgs(tracks, startMs, durationMs, this.#clipPath(clip)), { binary: this.#ffmpeg });
    await this.store.saveClip(clip);
    return this.#clipInfo(clip);
  }

  /** The Space ended: finish its recording and publish the replay. Resolves once published (or failed). */
  async spaceEnded(space: Space): Promise<void> {
    const live = this.#recorders.get(space.id);
    if (!live) return;
    this.#recorders.delete(space.id);
    this.#liveClips.delete(space.id);
    const endedAt = Date.now();
    const finished = live.recorder.finish();
    const record = await this.store.getReplay(space.id);
    if (!record) return;
    record.status = 'processing';
    record.endedAt = endedAt;
    record.durationMs = Math.round(finished.durationMs);
    await this.store.saveReplay(record);
    await this.#publish(space.id, endedAt);
  }

  // ---- after the show -------------------------------------------------------------------------------

  /** What the replay page shows (access is checked by the caller). */
  async info(spaceId: string): Promise<ReplayInfo | undefined> {
    const record = await this.store.getReplay(spaceId);
    if (!record) return undefined;
    const clips = await this.store.listClips(spaceId);
    const base = `/api/replays/${spaceId}`;
    const published = record.status === 'published';
    return {
      spaceId,
      title: record.title,
      hostName: record.hostName,
      status: record.status,
      liveAt: record.liveAt,
      endedAt: record.endedAt,
      durationMs: Math.max(0, record.durationMs - (published ? record.trimStartMs : 0)),
      trimStartMs: record.trimStartMs,
      ...(published
        ? {
            audioUrl: `${base}/audio.webm`,
            timelineUrl: `${base}/timeline.json`,
            ...(existsSync(this.folder(spaceId).path(REPLAY_CAPTIONS)) ? { captionsUrl: `${base}/captions.vtt` } : {}),
          }
        : {}),
      peakListeners: record.peakListeners,
      uniqueListeners: record.uniqueListeners,
      retention: record.retention,
      expiresAt: this.#expiresAt(record),
      liveClips: record.liveClips,
      clips: clips.map((c) => this.#clipInfo(c)),
    };
  }

  async timeline(spaceId: string): Promise<ReplayTimeline | undefined> {
    try {
      return JSON.parse(await readFile(this.folder(spaceId).path(REPLAY_TIMELINE), 'utf8')) as ReplayTimeline;
    } catch {
      return undefined;
    }
  }

  /** The files a published replay serves. */
  files(spaceId: string) {
    const folder = this.folder(spaceId);
    return { audio: folder.path(REPLAY_AUDIO), timeline: folder.path(REPLAY_TIMELINE), captions: folder.path(REPLAY_CAPTIONS) };
  }

  /** Cuts a 30 s clip of a published replay, starting at `startMs` on its timeline. */
  async clip(spaceId: string, startMs: number, by: string | null, title?: string): Promise<ClipInfo> {
    return this.#serially(spaceId, async () => {
      const record = await this.store.getReplay(spaceId);
      if (!record || record.status !== 'published') throw new ProtocolError('not_found', 'this replay is not published');
      const length = record.durationMs - record.trimStartMs;
      if (startMs >= length - 500) throw new ProtocolError('invalid_payload', `a clip must start before the replay ends (${Math.floor(length / 1000)} s)`);
      const durationMs = Math.min(CLIP_MS, length - startMs);
      const clip = this.#newClip(spaceId, title ?? `${record.title}: clip`, startMs, durationMs, false, by);
      await this.#clipDir(spaceId);
      await cutClip(this.folder(spaceId), startMs, durationMs, this.#clipPath(clip), { ffmpeg: this.#ffmpeg });
      await this.store.saveClip(clip);
      return this.#clipInfo(clip);
    });
  }

  async clipInfo(id: string): Promise<{ clip: ClipInfo; replay: ReplayRecord } | undefined> {
    const clip = await this.store.getClip(id);
    if (!clip) return undefined;
    const replay = await this.store.getReplay(clip.spaceId);
    if (!replay) return undefined;
    return { clip: this.#clipInfo(clip), replay };
  }

  clipFile(clip: Pick<ClipInfo, 'id' | 'spaceId'>): string {
    return this.#clipPath(clip);
  }

  /** The host's changes after the show: trim the start (re-publishes the listener copy), retention. */
  async update(spaceId: string, change: { trimStartMs?: number; retention?: Retention }): Promise<ReplayInfo> {
    await this.#serially(spaceId, async () => {
      const record = await this.store.getReplay(spaceId);
      if (!record) throw new ProtocolError('not_found', 'there is no replay of this space');
      if (change.retention) record.retention = change.retention;
      if (change.trimStartMs !== undefined) {
        if (record.status !== 'published') throw new ProtocolError('conflict', 'the replay can be trimmed once it is published');
        if (change.trimStartMs > record.durationMs - 1000) throw new ProtocolError('invalid_payload', 'the trim would leave less than a second');
        record.trimStartMs = change.trimStartMs;
        await this.#publishView(record);
      }
      await this.store.saveReplay(record);
      if (change.trimStartMs !== undefined) this.safeEmit('published', record);
    });
    return (await this.info(spaceId))!;
  }

  /** Deletes the replay, its files and every clip of it (a live recording stops). */
  async delete(spaceId: string): Promise<void> {
    await this.#serially(spaceId, async () => {
      const live = this.#recorders.get(spaceId);
      if (live) {
        live.recorder.abandon();
        this.#recorders.delete(spaceId);
        this.#liveClips.delete(spaceId);
        this.#announce(live.space);
      }
      await this.store.deleteReplay(spaceId);
      await rm(this.folder(spaceId).dir, { recursive: true, force: true });
      this.#logger.info('replay deleted', { spaceId });
    });
    this.safeEmit('deleted', spaceId);
  }

  async deleteClip(id: string): Promise<void> {
    const clip = await this.store.getClip(id);
    if (!clip) throw new ProtocolError('not_found', 'no such clip');
    await this.store.deleteClip(id);
    await rm(this.#clipPath(clip), { force: true });
  }

  /** Deletes replays past their retention. */
  async sweep(now = Date.now()): Promise<string[]> {
    const expired = (await this.store.listReplays()).filter((r) => {
      const at = this.#expiresAt(r);
      return at !== null && at <= now;
    });
    for (const r of expired) await this.delete(r.spaceId);
    if (expired.length) this.#logger.info('expired replays deleted', { count: expired.length });
    return expired.map((r) => r.spaceId);
  }

  /**
   * After a restart: a recording whose Space is live again (restored) resumes; one whose Space is gone
   * is finished from what was kept and published; one that was publishing publishes again.
   */
  async recover(liveSpaceIds: ReadonlySet<string>): Promise<void> {
    for (const record of await this.store.listReplays()) {
      if (record.status === 'recording' && liveSpaceIds.has(record.spaceId)) continue;
      if (record.status !== 'recording' && record.status !== 'processing') continue;
      const folder = this.folder(record.spaceId);
      if (!folder.hasManifest()) {
        await this.store.deleteReplay(record.spaceId);
        continue;
      }
      const manifest = finishInterrupted(folder);
      record.status = 'processing';
      record.endedAt ??= manifest.liveAt + manifest.finished!.atMs;
      record.durationMs = manifest.finished!.atMs;
      await this.store.saveReplay(record);
      this.#logger.warn('publishing a replay a crash interrupted', { spaceId: record.spaceId, durationMs: record.durationMs });
      await this.#publish(record.spaceId, Date.now());
    }
  }

  /** A restored Space whose recording a crash interrupted: recording carries on in the same files. */
  async resume(space: Space): Promise<boolean> {
    const record = await this.store.getReplay(space.id);
    if (!record || record.status !== 'recording' || this.#recorders.has(space.id)) return false;
    await this.#startRecorder(space, record, true);
    return true;
  }

  /** Shutdown: live recordings stay as they are on disk, to resume or be published at the next start. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    for (const { recorder } of this.#recorders.values()) recorder.abandon();
    this.#recorders.clear();
  }

  /** Waits for every job in flight (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()]);
  }

  // ---- internals ------------------------------------------------------------------------------------

  async #startRecorder(space: Space, record: ReplayRecord, resume: boolean): Promise<void> {
    const recorder = await ReplayRecorder.start(space, this.folder(space.id).dir, this.#logger, { resume });
    this.#recorders.set(space.id, { recorder, space });
    this.#liveClips.set(space.id, record.liveClips);
    recorder.on('audience', (peak, unique) => {
      record.peakListeners = Math.max(record.peakListeners, peak);
      record.uniqueListeners = Math.max(record.uniqueListeners, unique);
    });
    this.#announce(space);
  }

  #announce(space: Space): void {
    space.setReplayState(this.liveState(space.id));
  }

  async #publish(spaceId: string, endedAt: number): Promise<void> {
    await this.#serially(spaceId, async () => {
      const record = await this.store.getReplay(spaceId);
      if (!record) return;
      const folder = this.folder(spaceId);
      try {
        const master = await packageReplay(folder, { ffmpeg: this.#ffmpeg, captions: false });
        record.durationMs = master.durationMs;
        record.peakListeners = Math.max(record.peakListeners, master.listeners.peak);
        record.uniqueListeners = Math.max(record.uniqueListeners, master.listeners.unique);
        await this.#publishView(record);
        record.status = 'published';
        record.publishMs = Date.now() - endedAt;
        delete record.error;
        await this.store.saveReplay(record);
        this.#logger.info('replay published', { spaceId, durationMs: record.durationMs, publishMs: record.publishMs });
        this.safeEmit('published', record);
      } catch (error) {
        record.status = 'failed';
        record.error = error instanceof Error ? error.message : String(error);
        await this.store.saveReplay(record);
        this.#logger.error('could not publish a replay', { spaceId, error });
        this.safeEmit('failed', spaceId, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async #publishView(record: ReplayRecord): Promise<void> {
    const folder = this.folder(record.spaceId);
    const master = JSON.parse(await readFile(folder.path(MASTER_TIMELINE), 'utf8')) as ReplayTimeline;
    const captions = this.#captions ? await this.#captions(record.spaceId).catch(() => []) : [];
    await publishView(folder, master, record.trimStartMs, { ffmpeg: this.#ffmpeg, captions });
  }

  #expiresAt(record: ReplayRecord): number | null {
    if (record.retention.mode === 'keep' || record.endedAt === null) return null;
    return record.endedAt + record.retention.days * DAY_MS;
  }

  #newClip(spaceId: string, title: string, startMs: number, durationMs: number, fromLive: boolean, by: string | null): ClipRecord {
    return { id: randomBytes(9).toString('base64url'), spaceId, title: title.slice(0, 120), startMs, durationMs, createdAt: Date.now(), fromLive, createdBy: by };
  }

  #clipInfo(clip: ClipRecord): ClipInfo {
    return {
      id: clip.id,
      spaceId: clip.spaceId,
      title: clip.title,
      startMs: clip.startMs,
      durationMs: clip.durationMs,
      createdAt: clip.createdAt,
      fromLive: clip.fromLive,
      pagePath: `/clip/${clip.id}`,
      audioUrl: `/api/clips/${clip.id}/audio.webm`,
    };
  }

  async #clipDir(spaceId: string): Promise<void> {
    await mkdir(join(this.folder(spaceId).dir, 'clips'), { recursive: true });
  }

  #clipPath(clip: Pick<ClipRecord, 'id' | 'spaceId'>): string {
    return join(this.folder(clip.spaceId).dir, 'clips', `${clip.id}.webm`);
  }

  #serially<T>(spaceId: string, job: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(spaceId) ?? Promise.resolve();
    const run = previous.then(job, job);
    const settled = run.catch(() => undefined);
    this.#queues.set(spaceId, settled);
    void settled.then(() => {
      if (this.#queues.get(spaceId) === settled) this.#queues.delete(spaceId);
    });
    return run;
  }
}
