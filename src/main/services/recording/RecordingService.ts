// Local recording of a show, on the host's machine: one folder per recording with a float32 WAV per
// track (the mix and every voice) streamed to disk as chunks arrive, a manifest written atomically, and
// the timeline appended to events.jsonl as it happens. Electron's IPC and the browser bridge both call it.
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeAudioBatch,
  RECORDING_SAMPLE_RATE,
  type AddTrackRequest,
  type RecordingCaptionInput,
  type RecordingManifest,
  type RecordingStatus,
  type RecordingSummary,
  type StopReason,
  type TimelineEvent,
  type TimelineEventInput,
} from '../../../shared/recording.js';
import { TypedEmitter } from '../../../shared/TypedEmitter.js';
import { CAPTIONS_FILE, RecordingCaptions } from './RecordingCaptions.js';
import { padFloatWav, readFloatWavFrames, repairFloatWav, WavTrackWriter } from './wav.js';

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

export interface DiskSpace {
  /** Free bytes available to us. */
  free: number;
}

export interface RecordingServiceOptions {
  /** Folder holding the recordings; a function is asked at every start (the setting may change). */
  root: string | (() => string);
  /** How often audio is made durable (header patched, fdatasync); at most 1000 for the crash promise. */
  flushIntervalMs?: number;
  /** Free space check; tests pass a fake disk. */
  diskSpace?: (path: string) => Promise<DiskSpace>;
  /** Below this much free space the recording stops cleanly, before the disk fills. */
  reserveBytes?: number;
  /** Warn when fewer minutes than this remain. */
  warnMinutes?: number | (() => number);
  now?: () => number;
}

export type RecordingServiceEvents = {
  /** State, length and disk, at every flush and on every change. */
  status: [RecordingStatus];
  /** A recording ended (by the user, a full disk or a write error). */
  stopped: [RecordingSummary];
};

/** A stretch of the audio clock that is recorded: position = frame - offset, for frames in [from, to). */
interface ClockSegment {
  from: number;
  to: number;
  offset: number;
}

interface Session {
  manifest: RecordingManifest;
  dir: string;
  writers: Map<number, WavTrackWriter>;
  /** A member coming back on stage keeps their track. */
  trackOfMember: Map<string, number>;
  segments: ClockSegment[];
  events: TimelineEvent[];
  /** events.jsonl, appended as events come. */
  eventLog: FileHandle;
  /** Serialises event log appends and manifest writes. */
  io: Promise<void>;
  /** Serialises adding tracks. */
  tracksAdded: Promise<void>;
  timer: NodeJS.Timeout;
  paused: boolean;
  flushing: boolean;
  disk: Pick<RecordingStatus, 'freeBytes' | 'minutesLeft' | 'lowDisk'>;
  /** captions.vtt beside the tracks, written as caption lines arrive. */
  captions: RecordingCaptions;
}

const MANIFEST = 'manifest.json';
const EVENT_LOG = 'events.jsonl';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function statfsFree(path: string): Promise<DiskSpace> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize };
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 40) || 'untitled'
  );
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-').replace('T', '_');
}

/** Writes a file so that a crash leaves either the old or the new content, never a torn one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const fh = await open(temp, 'w');
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(temp, path);
}

export function summaryOf(manifest: RecordingManifest, sizeBytes: number): RecordingSummary {
  const speakers = [...new Set(manifest.tracks.filter((t) => t.kind !== 'mix').map((t) => t.name))];
  return {
    id: manifest.id,
    title: manifest.title,
    spaceId: manifest.spaceId,
    startedAt: manifest.startedAt,
    durationSec: manifest.durationSec,
    speakers,
    sizeBytes,
    recovered: manifest.recovered,
    status: manifest.status,
    stopReason: manifest.stopReason,
  };
}

export class RecordingService extends TypedEmitter<RecordingServiceEvents> {
  readonly #options: Required<Omit<RecordingServiceOptions, 'root' | 'warnMinutes'>> & Pick<RecordingServiceOptions, 'root' | 'warnMinutes'>;
  /** The recording in progress, if any. */
  #session: Session | undefined;
  /** Why the last recording stopped when the user did not stop it, for the status line. */
  #lastStop: { reason: StopReason; message: string } | undefined;

  constructor(options: RecordingServiceOptions) {
    super();
    this.#options = {
      flushIntervalMs: 500,
      diskSpace: statfsFree,
      reserveBytes: 256 * 1024 * 1024,
      now: Date.now,
      ...options,
    };
    if (this.#options.flushIntervalMs > 1000) throw new RecordingError('flushIntervalMs must be at most 1000 (at most 1 s may be lost)');
  }

  get root(): string {
    const root = this.#options.root;
    return typeof root === 'function' ? root() : root;
  }

  get recording(): boolean {
    return this.#session !== undefined;
  }

  // ---- recording --------------------------------------------------------------------------------

  async start(request: { spaceId: string; title: string; originFrame?: number }): Promise<RecordingStatus & { id: string }> {
    if (this.#session) throw new RecordingError('a recording is already running');
    const startedAt = this.#options.now();
    const root = this.root;
    await mkdir(root, { recursive: true });
    const disk = await this.#options.diskSpace(root);
    if (disk.free < this.#options.reserveBytes * 2) {
      throw new RecordingError(`not enough free disk space to record (${Math.round(disk.free / 1e6)} MB free)`);
    }
    let id = `${stamp(startedAt)}_${slug(request.title)}`;
    for (let n = 2; await stat(join(root, id)).then(() => true, () => false); n++) id = `${stamp(startedAt)}_${slug(request.title)}-${n}`;
    const dir = join(root, id);
    await mkdir(dir);
    const origin = request.originFrame ?? 0;
    const manifest: RecordingManifest = {
      version: 1,
      id,
      spaceId: request.spaceId,
      title: request.title,
      startedAt,
      sampleRate: RECORDING_SAMPLE_RATE,
      format: 'float32',
      status: 'recording',
      recovered: false,
      durationSec: 0,
      tracks: [],
      events: [],
    };
    const eventLog = await open(join(dir, EVENT_LOG), 'a');
    const session: Session = {
      manifest,
      dir,
      writers: new Map(),
      trackOfMember: new Map(),
      segments: [{ from: origin, to: Number.POSITIVE_INFINITY, offset: origin }],
      events: [],
      eventLog,
      io: Promise.resolve(),
      tracksAdded: Promise.resolve(),
      timer: setInterval(() => void this.#tick(), this.#options.flushIntervalMs),
      paused: false,
      flushing: false,
      disk: {},
      captions: new RecordingCaptions(dir, request.title),
    };
    this.#session = session;
    this.#lastStop = undefined;
    await this.#writeManifest(session);
    await this.#checkDisk(session, disk);
    this.#emitStatus();
    return { ...this.status(), id };
  }

  /** Adds a track (or returns the member's existing one: someone back on stage keeps their file). */
  addTrack(request: AddTrackRequest): Promise<{ trackNo: number }> {
    const s = this.#require();
    // One at a time: track numbers and the member's track must be settled before the next asks.
    const added = s.tracksAdded.then(() => this.#addTrack(s, request));
    s.tracksAdded = added.then(() => undefined, () => undefined);
    return added;
  }

  async #addTrack(s: Session, request: AddTrackRequest): Promise<{ trackNo: number }> {
    if (this.#session !== s) throw new RecordingError('the recording has stopped');
    if (request.memberId) {
      const existing = s.trackOfMember.get(request.memberId);
      if (existing !== undefined) return { trackNo: existing };
    }
    const trackNo = s.manifest.tracks.length;
    const base = request.kind === 'mix' ? 'mix' : `${String(trackNo).padStart(2, '0')}-${request.kind}-${slug(request.name)}`;
    const file = `${base}.wav`;
    const writer = await WavTrackWriter.create(join(s.dir, file), RECORDING_SAMPLE_RATE);
    s.writers.set(trackNo, writer);
    if (request.memberId) s.trackOfMember.set(request.memberId, trackNo);
    s.manifest.tracks.push({ trackNo, file, kind: request.kind, memberId: request.memberId, name: request.name, frames: 0 });
    // The track is in the manifest before any of its audio is on disk, so recovery always finds it.
    await this.#writeManifest(s);
    this.#emitStatus();
    return { trackNo };
  }

  /** Takes a batch of chunks as the renderer sends it (see encodeAudioBatch). */
  appendBatch(batch: Uint8Array): RecordingStatus {
    const s = this.#session;
    // Chunks still in flight when a recording stops are dropped, not an error.
    if (!s) return this.status();
    let chunks;
    try {
      chunks = decodeAudioBatch(batch);
    } catch (error) {
      throw new RecordingError((error as Error).message);
    }
    for (const c of chunks) {
      const writer = s.writers.get(c.trackNo);
      if (!writer) throw new RecordingError(`no track ${c.trackNo} in this recording`);
      this.#place(s, writer, c.frame, c.frames, c.bytes);
    }
    return this.status();
  }

  /** Appends float samples to a track, at a frame of the audio clock (Node callers and tests). */
  append(trackNo: number, frame: number, samples: Float32Array): void {
    const s = this.#require();
    const writer = s.writers.get(trackNo);
    if (!writer) throw new RecordingError(`no track ${trackNo} in this recording`);
    this.#place(s, writer, frame, samples.length, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  }

  async addEvent(input: TimelineEventInput): Promise<TimelineEvent> {
    const s = this.#require();
    const event: TimelineEvent = { at: this.#secondsAt(s, input.atFrame), type: input.type };
    if (input.memberId) event.memberId = input.memberId;
    if (input.name) event.name = input.name;
    if (input.label) event.label = input.label;
    s.events.push(event);
    const line = `${JSON.stringify(event)}\n`;
    s.io = s.io.then(() => s.eventLog.write(line)).then(() => undefined, () => undefined);
    await s.io;
    return event;
  }

  /**
   * Caption lines for captions.vtt, timed on the audio clock: placed on the recording's clock like
   * the tracks (a line spoken during a pause or before the start is left out, or cut to what was recorded).
   */
  addCaptions(lines: RecordingCaptionInput[]): void {
    const s = this.#session;
    // Lines still in flight when a recording stops are dropped, like its last audio.
    if (!s) return;
    s.captions.add(
      lines.map((line) => ({
        lineId: line.lineId,
        displayName: line.displayName,
        text: line.text,
        hidden: line.hidden,
        revision: line.revision,
        start: this.#secondsAt(s, line.startFrame),
        end: this.#secondsAt(s, line.endFrame),
      })),
    );
  }

  async pause(atFrame: number): Promise<RecordingStatus> {
    const s = this.#require();
    if (s.paused) return this.status();
    const last = s.segments.at(-1)!;
    last.to = Math.max(last.from, atFrame);
    s.paused = true;
    s.manifest.status = 'paused';
    await this.addEvent({ atFrame: last.to, type: 'pause', label: 'Paused' });
    await this.#writeManifest(s);
    this.#emitStatus();
    return this.status();
  }

  async resume(atFrame: number): Promise<RecordingStatus> {
    const s = this.#require();
    if (!s.paused) return this.status();
    const last = s.segments.at(-1)!;
    const resumeAt = Math.max(atFrame, last.to);
    const position = last.to - last.offset;
    s.segments.push({ from: resumeAt, to: Number.POSITIVE_INFINITY, offset: resumeAt - position });
    s.paused = false;
    s.manifest.status = 'recording';
    await this.addEvent({ atFrame: resumeAt, type: 'resume', label: 'Resumed' });
    await this.#writeManifest(s);
    this.#emitStatus();
    return this.status();
  }

  /**
   * Ends the recording: every track cut or padded to the same end (`atFrame` on the audio clock, else
   * the longest track), headers final, manifest complete.
   */
  async stop(reason: StopReason = 'user', message?: string, atFrame?: number): Promise<RecordingSummary> {
    const s = this.#require();
    this.#session = undefined;
    clearInterval(s.timer);
    await s.tracksAdded;
    const frames = atFrame === undefined ? Math.max(0, ...[...s.writers.values()].map((w) => w.frames)) : Math.round(this.#secondsAt(s, atFrame) * RECORDING_SAMPLE_RATE);
    let failure: Error | undefined;
    for (const [trackNo, writer] of s.writers) {
      writer.truncateTo(frames);
      // A full disk may refuse the padding; the track still closes with what it holds.
      if (reason !== 'disk-full' && reason !== 'write-error') writer.padTo(frames);
      await writer.close().catch((e: Error) => (failure ??= e));
      const track = s.manifest.tracks[trackNo]!;
      track.frames = await readFloatWavFrames(writer.path).catch(() => 0);
    }
    await s.io;
    await s.eventLog.close().catch(() => undefined);
    await s.captions.close();
    if (s.captions.written) s.manifest.captions = CAPTIONS_FILE;
    s.manifest.status = 'complete';
    s.manifest.stopReason = reason;
    s.manifest.events = s.events;
    s.manifest.durationSec = Math.max(0, ...s.manifest.tracks.map((t) => t.frames)) / RECORDING_SAMPLE_RATE;
    await this.#writeManifest(s);
    await rm(join(s.dir, EVENT_LOG), { force: true });
    if (reason !== 'user') this.#lastStop = { reason, message: message ?? failure?.message ?? reason };
    const summary = summaryOf(s.manifest, await this.#sizeOf(s.dir, s.manifest));
    this.safeEmit('stopped', summary);
    this.#emitStatus();
    return summary;
  }

  status(): RecordingStatus {
    const s = this.#session;
    if (!s) {
      return this.#lastStop
        ? { state: 'idle', seconds: 0, tracks: 0, stoppedBecause: this.#lastStop.reason, message: this.#lastStop.message }
        : { state: 'idle', seconds: 0, tracks: 0 };
    }
    const frames = Math.max(0, ...[...s.writers.values()].map((w) => w.frames));
    return {
      state: s.paused ? 'paused' : 'recording',
      id: s.manifest.id,
      seconds: frames / RECORDING_SAMPLE_RATE,
      tracks: s.writers.size,
      ...s.disk,
    };
  }

  /** Stops a running recording (the studio is shutting down). */
  async close(): Promise<void> {
    if (this.#session) await this.stop('closed');
  }

  // ---- recovery ---------------------------------------------------------------------------------

  /** Finds recordings a crash interrupted, repairs their headers and manifest, and marks them recovered. */
  async recoverInterrupted(): Promise<RecordingSummary[]> {
    const root = this.root;
    const names = await readdir(root).catch(() => [] as string[]);
    const recovered: RecordingSummary[] = [];
    for (const name of names) {
      if (this.#session?.manifest.id === name) continue;
      const dir = join(root, name);
      const manifest = await this.#readManifest(dir);
      if (!manifest || manifest.status === 'complete') continue;
      for (const track of manifest.tracks) {
        track.frames = await repairFloatWav(join(dir, track.file)).catch(() => 0);
      }
      // Tracks synced at slightly different moments; silence at the end makes them line up again.
      const longest = Math.max(0, ...manifest.tracks.map((t) => t.frames));
      for (const track of manifest.tracks) {
        if (track.frames < longest && (await padFloatWav(join(dir, track.file), longest).then(() => true, () => false))) track.frames = longest;
      }
      manifest.events = await readEventLog(join(dir, EVENT_LOG));
      // The captions were rewritten whole at most a second apart: what is on disk stands.
      if (await stat(join(dir, CAPTIONS_FILE)).then(() => true, () => false)) manifest.captions = CAPTIONS_FILE;
      manifest.durationSec = Math.max(0, ...manifest.tracks.map((t) => t.frames)) / RECORDING_SAMPLE_RATE;
      manifest.status = 'complete';
      manifest.recovered = true;
      manifest.stopReason = 'recovered';
      await writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
      await rm(join(dir, EVENT_LOG), { force: true });
      recovered.push(summaryOf(manifest, await this.#sizeOf(dir, manifest)));
    }
    return recovered;
  }

  // ---- library ----------------------------------------------------------------------------------

  async list(): Promise<RecordingSummary[]> {
    const root = this.root;
    const names = await readdir(root).catch(() => [] as string[]);
    const out: RecordingSummary[] = [];
    for (const name of names) {
      if (name === this.#session?.manifest.id) continue;
      const manifest = await this.#readManifest(join(root, name));
      if (manifest) out.push(summaryOf(manifest, await this.#sizeOf(join(root, name), manifest)));
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  async get(id: string): Promise<RecordingManifest> {
    const manifest = await this.#readManifest(this.dirOf(id));
    if (!manifest) throw new RecordingError(`no recording ${id}`);
    return manifest;
  }

  /** The folder of a recording; the id is checked so it can never leave the recordings' root. */
  dirOf(id: string): string {
    if (!ID_PATTERN.test(id) || id.includes('..')) throw new RecordingError('not a recording id');
    return join(this.root, id);
  }

  /** The path of one of a recording's track files (only files the manifest lists). */
  async trackPath(id: string, file: string): Promise<string> {
    const manifest = await this.get(id);
    if (!manifest.tracks.some((t) => t.file === file)) throw new RecordingError(`no track ${file} in ${id}`);
    return join(this.dirOf(id), file);
  }

  // ---- internals --------------------------------------------------------------------------------

  #require(): Session {
    if (!this.#session) throw new RecordingError('no recording is running');
    return this.#session;
  }

  /** Splits a chunk over the recorded stretches of the clock; what falls in a pause is dropped. */
  #place(s: Session, writer: WavTrackWriter, frame: number, frames: number, bytes: Uint8Array): void {
    const end = frame + frames;
    for (const seg of s.segments) {
      const from = Math.max(frame, seg.from);
      const to = Math.min(end, seg.to);
      if (to <= from) continue;
      writer.write(from - seg.offset, bytes.subarray((from - frame) * 4, (to - frame) * 4));
    }
  }

  #secondsAt(s: Session, frame: number): number {
    let position = 0;
    for (const seg of s.segments) {
      if (frame < seg.from) break;
      position = Math.min(frame, seg.to) - seg.offset;
    }
    return Math.max(0, position) / RECORDING_SAMPLE_RATE;
  }

  async #tick(): Promise<void> {
    const s = this.#session;
    if (!s || s.flushing) return;
    s.flushing = true;
    try {
      await Promise.all([...s.writers.values()].map((w) => w.flush()));
      await s.io;
      await s.eventLog.datasync();
      if (this.#session !== s) return;
      await this.#checkDisk(s, await this.#options.diskSpace(s.dir));
      if (this.#session === s) this.#emitStatus();
    } catch (error) {
      if (this.#session === s) {
        const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
        await this.stop(full ? 'disk-full' : 'write-error', (error as Error).message).catch(() => undefined);
      }
    } finally {
      s.flushing = false;
    }
  }

  async #checkDisk(s: Session, disk: DiskSpace): Promise<void> {
    const bytesPerSecond = Math.max(1, s.writers.size) * RECORDING_SAMPLE_RATE * 4;
    const usable = Math.max(0, disk.free - this.#options.reserveBytes);
    const minutesLeft = usable / bytesPerSecond / 60;
    const warn = typeof this.#options.warnMinutes === 'function' ? this.#options.warnMinutes() : (this.#options.warnMinutes ?? 15);
    s.disk = { freeBytes: disk.free, minutesLeft, lowDisk: minutesLeft < warn };
    if (disk.free < this.#options.reserveBytes) {
      await this.stop('disk-full', `stopped: the disk is nearly full (${Math.round(disk.free / 1e6)} MB left)`);
    }
  }

  async #writeManifest(s: Session): Promise<void> {
    const text = JSON.stringify({ ...s.manifest, events: s.manifest.status === 'complete' ? s.events : [] }, null, 2);
    const write = s.io.then(() => writeFileAtomic(join(s.dir, MANIFEST), text));
    s.io = write.catch(() => undefined);
    await write;
  }

  async #readManifest(dir: string): Promise<RecordingManifest | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as RecordingManifest;
      return parsed.version === 1 && Array.isArray(parsed.tracks) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async #sizeOf(dir: string, manifest: RecordingManifest): Promise<number> {
    let size = 0;
    for (const t of manifest.tracks) size += await stat(join(dir, t.file)).then((st) => st.size, () => 0);
    return size;
  }

  #emitStatus(): void {
    this.safeEmit('status', this.status());
  }
}

/** The timeline as appended during recording; a line torn by a crash is skipped. */
async function readEventLog(path: string): Promise<TimelineEvent[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const events: TimelineEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as TimelineEvent);
    } catch {
      // torn by the crash
    }
  }
  return events;
}
