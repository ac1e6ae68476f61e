// One recording in progress: its folder, the manifest (rewritten atomically whenever a track is added or
// the state changes), a float32 WAV writer per track, the stretches of the audio clock that are recorded
// (pause and resume), and the timeline appended to events.jsonl as it happens. A crash at any moment
// leaves a folder that Recovery can finish.
import { mkdir, open, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  RECORDING_SAMPLE_RATE,
  type AddTrackRequest,
  type RecordingCaptionInput,
  type RecordingManifest,
  type StopReason,
  type TimelineEvent,
  type TimelineEventInput,
} from '../../../shared/recording.js';
import { CAPTIONS_FILE, RecordingCaptions } from './RecordingCaptions.js';
import { EVENT_LOG, MANIFEST, writeFileAtomic } from './recording-files.js';
import { RecordingError } from './RecordingError.js';
import { readFloatWavFrames, WavTrackWriter } from './wav.js';

/** A stretch of the audio clock that is recorded: position = frame - offset, for frames in [from, to). */
interface ClockSegment {
  from: number;
  to: number;
  offset: number;
}

export interface TakeRequest {
  spaceId: string;
  title: string;
  /** The audio clock's frame at the start (the renderer's AudioContext), so chunks land in place. */
  originFrame?: number;
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

/** A folder name from the start time and title that no recording in `root` has yet. */
async function freshId(root: string, startedAt: number, title: string): Promise<string> {
  const base = `${stamp(startedAt)}_${slug(title)}`;
  let id = base;
  for (let n = 2; await stat(join(root, id)).then(() => true, () => false); n++) id = `${base}-${n}`;
  return id;
}

export class Take {
  readonly id: string;
  readonly dir: string;
  /** What manifest.json says (events are only written into it at the end; until then they are in the log). */
  readonly #manifest: RecordingManifest;
  /** One writer per track number. */
  readonly #writers = new Map<number, WavTrackWriter>();
  /** A member coming back on stage keeps their track. */
  readonly #trackOfMember = new Map<string, number>();
  /** The recorded stretches of the audio clock; the last is open-ended while recording. */
  readonly #segments: ClockSegment[];
  /** The timeline so far. */
  readonly #events: TimelineEvent[] = [];
  /** events.jsonl, appended as events come. */
  readonly #eventLog: FileHandle;
  /** Serialises event log appends and manifest writes. */
  #io: Promise<void> = Promise.resolve();
  /** Serialises adding tracks. */
  #tracksAdded: Promise<void> = Promise.resolve();
  #paused = false;
  /** Set when finishing began: nothing more is accepted. */
  #finished = false;
  /** captions.vtt beside the tracks, written as caption lines arrive. */
  readonly #captions: RecordingCaptions;

  private constructor(dir: string, manifest: RecordingManifest, eventLog: FileHandle, origin: number) {
    this.id = manifest.id;
    this.dir = dir;
    this.#manifest = manifest;
    this.#eventLog = eventLog;
    this.#segments = [{ from: origin, to: Number.POSITIVE_INFINITY, offset: origin }];
    this.#captions = new RecordingCaptions(dir, manifest.title);
  }

  /** Creates the take's folder in `root` with an empty manifest and event log. */
  static async begin(root: string, request: TakeRequest, startedAt: number): Promise<Take> {
    const id = await freshId(root, startedAt, request.title);
    const dir = join(root, id);
    await mkdir(dir);
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
    const take = new Take(dir, manifest, eventLog, request.originFrame ?? 0);
    await take.#writeManifest();
    return take;
  }

  get manifest(): Readonly<RecordingManifest> {
    return this.#manifest;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get finished(): boolean {
    return this.#finished;
  }
  get trackCount(): number {
    return this.#writers.size;
  }
  /** Length so far: the longest track. */
  get seconds(): number {
    return this.#longestFrames() / RECORDING_SAMPLE_RATE;
  }

  /** Adds a track (or returns the member's existing one: someone back on stage keeps their file). */
  addTrack(request: AddTrackRequest): Promise<{ trackNo: number }> {
    // One at a time: track numbers and the member's track must be settled before the next asks.
    const added = this.#tracksAdded.then(() => this.#addTrack(request));
    this.#tracksAdded = added.then(() => undefined, () => undefined);
    return added;
  }

  /**
   * Places a chunk of float32 samples that starts at `frame` of the audio clock, split over the recorded
   * stretches; what falls in a pause is dropped.
   */
  place(trackNo: number, frame: number, frames: number, bytes: Uint8Array): void {
    const writer = this.#writers.get(trackNo);
    if (!writer) throw new RecordingError(`no track ${trackNo} in this recording`);
    const end = frame + frames;
    for (const seg of this.#segments) {
      const from = Math.max(frame, seg.from);
      const to = Math.min(end, seg.to);
      if (to <= from) continue;
      writer.write(from - seg.offset, bytes.subarray((from - frame) * 4, (to - frame) * 4));
    }
  }

  async addEvent(input: TimelineEventInput): Promise<TimelineEvent> {
    const event: TimelineEvent = { at: this.secondsAt(input.atFrame), type: input.type };
    if (input.memberId) event.memberId = input.memberId;
    if (input.name) event.name = input.name;
    if (input.label) event.label = input.label;
    this.#events.push(event);
    const line = `${JSON.stringify(event)}\n`;
    this.#io = this.#io.then(() => this.#eventLog.write(line)).then(() => undefined, () => undefined);
    await this.#io;
    return event;
  }

  /** Stops taking audio at `atFrame`; answers false when already paused. */
  async pause(atFrame: number): Promise<boolean> {
    if (this.#paused) return false;
    const last = this.#segments.at(-1)!;
    last.to = Math.max(last.from, atFrame);
    this.#paused = true;
    this.#manifest.status = 'paused';
    await this.addEvent({ atFrame: last.to, type: 'pause', label: 'Paused' });
    await this.#writeManifest();
    return true;
  }

  /** Takes audio again from `atFrame`, continuing where the pause left the tracks; false when not paused. */
  async resume(atFrame: number): Promise<boolean> {
    if (!this.#paused) return false;
    const last = this.#segments.at(-1)!;
    const resumeAt = Math.max(atFrame, last.to);
    const position = last.to - last.offset;
    this.#segments.push({ from: resumeAt, to: Number.POSITIVE_INFINITY, offset: resumeAt - position });
    this.#paused = false;
    this.#manifest.status = 'recording';
    await this.addEvent({ atFrame: resumeAt, type: 'resume', label: 'Resumed' });
    await this.#writeManifest();
    return true;
  }

  /** Makes what arrived so far durable: every track's header and data, and the timeline. */
  async flush(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((w) => w.flush()));
    await this.#io;
    await this.#eventLog.datasync();
  }

  /**
   * Ends the take: every track cut or padded to the same end (`atFrame` on the audio clock, else the
   * longest track), headers final, manifest complete with the timeline. Answers the first write failure.
   */
  async finish(reason: StopReason, atFrame?: number): Promise<{ manifest: RecordingManifest; failure: Error | undefined }> {
    if (this.#finished) throw new RecordingError('the recording has stopped');
    this.#finished = true;
    await this.#tracksAdded;
    const frames = atFrame === undefined ? this.#longestFrames() : Math.round(this.secondsAt(atFrame) * RECORDING_SAMPLE_RATE);
    let failure: Error | undefined;
    for (const [trackNo, writer] of this.#writers) {
      writer.truncateTo(frames);
      // A full disk may refuse the padding; the track still closes with what it holds.
      if (reason !== 'disk-full' && reason !== 'write-error') writer.padTo(frames);
      await writer.close().catch((e: Error) => (failure ??= e));
      const track = this.#manifest.tracks[trackNo]!;
      track.frames = await readFloatWavFrames(writer.path).catch(() => 0);
    }
    await this.#io;
    await this.#eventLog.close().catch(() => undefined);
    await this.#captions.close();
    if (this.#captions.written) this.#manifest.captions = CAPTIONS_FILE;
    this.#manifest.status = 'complete';
    this.#manifest.stopReason = reason;
    this.#manifest.events = this.#events;
    this.#manifest.durationSec = Math.max(0, ...this.#manifest.tracks.map((t) => t.frames)) / RECORDING_SAMPLE_RATE;
    await this.#writeManifest();
    await rm(join(this.dir, EVENT_LOG), { force: true });
    return { manifest: this.#manifest, failure };
  }

  /**
   * Caption lines for captions.vtt, timed on the audio clock: placed on the recording's clock like
   * the tracks (a line spoken during a pause or before the start is left out, or cut to what was recorded).
   */
  addCaptions(lines: RecordingCaptionInput[]): void {
    // Lines still in flight when a recording stops are dropped, like its last audio.
    if (this.#finished) return;
    this.#captions.add(
      lines.map((line) => ({
        lineId: line.lineId,
        displayName: line.displayName,
        text: line.text,
        hidden: line.hidden,
        revision: line.revision,
        start: this.secondsAt(line.startFrame),
        end: this.secondsAt(line.endFrame),
      })),
    );
  }

  /** Seconds into the recording (paused time left out) at a frame of the audio clock. */
  secondsAt(frame: number): number {
    let position = 0;
    for (const seg of this.#segments) {
      if (frame < seg.from) break;
      position = Math.min(frame, seg.to) - seg.offset;
    }
    return Math.max(0, position) / RECORDING_SAMPLE_RATE;
  }

  async #addTrack(request: AddTrackRequest): Promise<{ trackNo: number }> {
    if (this.#finished) throw new RecordingError('the recording has stopped');
    if (request.memberId) {
      const existing = this.#trackOfMember.get(request.memberId);
      if (existing !== undefined) return { trackNo: existing };
    }
    const trackNo = this.#manifest.tracks.length;
    const base = request.kind === 'mix' ? 'mix' : `${String(trackNo).padStart(2, '0')}-${request.kind}-${slug(request.name)}`;
    const file = `${base}.wav`;
    const writer = await WavTrackWriter.create(join(this.dir, file), RECORDING_SAMPLE_RATE);
    this.#writers.set(trackNo, writer);
    if (request.memberId) this.#trackOfMember.set(request.memberId, trackNo);
    this.#manifest.tracks.push({ trackNo, file, kind: request.kind, memberId: request.memberId, name: request.name, frames: 0 });
    // The track is in the manifest before any of its audio is on disk, so recovery always finds it.
    await this.#writeManifest();
    return { trackNo };
  }

  #longestFrames(): number {
    return Math.max(0, ...[...this.#writers.values()].map((w) => w.frames));
  }

  async #writeManifest(): Promise<void> {
    const complete = this.#manifest.status === 'complete';
    const text = JSON.stringify({ ...this.#manifest, events: complete ? this.#events : [] }, null, 2);
    const write = this.#io.then(() => writeFileAtomic(join(this.dir, MANIFEST), text));
    this.#io = write.catch(() => undefined);
    await write;
  }
}
