// Records one live Space for its replay, on the server: the stage tap's Opus packets into one Ogg Opus
// track per speaker (as they came, no re-encoding), and what happened (stage changes, who spoke when,
// the host's markers, the audience) into an event log, all on the replay's clock. Pages and events
// reach the disk every FLUSH_MS, so a crash of the service loses at most that much; after a restart
// `start(…, { resume: true })` continues the same files where they end.
import { fdatasync, mkdirSync } from 'node:fs';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { StageChange } from '../../shared/protocol.js';
import { isOnStage } from '../../shared/roles.js';
import { StageTap, tapClock, type StageTrack, type TapPacket } from '../egress/StageTap.js';
import type { Logger } from '../logger.js';
import type { Space } from '../Space.js';
import { OggOpusWriter } from './OggOpusWriter.js';
import { opusPacketSamples } from './opus.js';
import { RecordingFolder, type EventLog, type RecordingEvent, type RecordingManifest } from './RecordingFolder.js';
import { ReplayTrack } from './ReplayTrack.js';
import { SpeechDetector } from './SpeechDetector.js';

/** Pages and events are written at least this often: the most a crash can lose. */
export const FLUSH_MS = 500;
/** And pushed to the disk itself (fdatasync) this often, for power loss. */
const SYNC_MS = 5000;
/** The event log notes the replay's clock this often, so a crash loses at most this much of silence. */
const TICK_MS = 1000;

export type ReplayRecorderEvents = {
  /** A speaker's track was added (someone came on stage and sent audio). */
  track: [index: number, name: string];
  /** The audience changed: the most listening at once so far, and how many different people listened. */
  audience: [peak: number, unique: number];
};

/** The Space as the recorder sees it (src/server/Space.ts). */
export type RecordedSpace = Pick<Space, 'id' | 'title' | 'startedAt' | 'router' | 'status' | 'stageProducers' | 'publicView' | 'members' | 'on'>;

interface SpeakerState {
  index: number;
  memberId: string;
  track: ReplayTrack;
  speech: SpeechDetector;
}

export interface FinishedRecording {
  durationMs: number;
  folder: RecordingFolder;
  manifest: RecordingManifest;
}

export class ReplayRecorder extends TypedEmitter<ReplayRecorderEvents> {
  readonly folder: RecordingFolder;
  readonly #space: RecordedSpace;
  readonly #logger: Logger;
  readonly #manifest: RecordingManifest;
  readonly #events: EventLog;
  /** Speaker tracks by member id. */
  readonly #speakers = new Map<string, SpeakerState>();
  #tap: StageTap | undefined;
  /** The period being recorded now; undefined while paused. */
  #period: { from: number; atMs: number } | undefined;
  /** Where the replay's clock stands when paused (the end of the last period). */
  #pausedAtMs: number;
  #audience = { listening: -1, peak: 0, users: new Set<string>() };
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  readonly #offs: Array<() => void> = [];
  #finished: FinishedRecording | undefined;

  private constructor(space: RecordedSpace, folder: RecordingFolder, manifest: RecordingManifest, logger: Logger) {
    super();
    this.#space = space;
    this.folder = folder;
    this.#manifest = manifest;
    this.#logger = logger;
    this.#events = folder.openEventLog();
    this.#pausedAtMs = 0;
  }

  /**
   * Starts recording `space` into `dir`. With `resume`, continues a recording a crash interrupted:
   * every track is kept up to its last complete page and the replay's clock goes on from there.
   */
  static async start(space: RecordedSpace, dir: string, logger: Logger, options: { resume?: boolean; paused?: boolean } = {}): Promise<ReplayRecorder> {
    mkdirSync(dir, { recursive: true });
    const folder = new RecordingFolder(dir);
    const resume = options.resume === true && folder.hasManifest();
    const manifest: RecordingManifest = resume
      ? folder.readManifest()
      : { version: 1, spaceId: space.id, title: space.title, liveAt: space.startedAt, periods: [], tracks: [] };
    if (!resume) folder.writeManifest(manifest);
    const recorder = new ReplayRecorder(space, folder, manifest, logger.child({ component: 'replay-recorder', spaceId: space.id }));
    if (resume) recorder.#reopenTracks();
    recorder.#tap = await StageTap.open(space, logger);
    recorder.#tap.on('track', (track) => recorder.#attach(track));
    recorder.#offs.push(
      space.on('statechanged', () => recorder.#onAudience()),
      space.on('stagechanged', (change) => recorder.#onStageChange(change)),
    );
    recorder.#timers.push(
      setInterval(() => recorder.#flush(), FLUSH_MS),
      setInterval(() => recorder.#sync(), SYNC_MS),
      setInterval(() => {
        if (recorder.#period) recorder.#append({ type: 'tick', atMs: Math.round(recorder.positionMs()) });
      }, TICK_MS),
    );
    if (!options.paused) recorder.resume(resume ? 'interrupted' : 'start');
    recorder.#noteStage();
    recorder.#onAudience();
    return recorder;
  }

  get recording(): boolean {
    return this.#period !== undefined && !this.#finished;
  }

  /** Where the replay's clock stands now, ms. */
  positionMs(now = tapClock()): number {
    return this.#period ? this.#period.atMs + (now - this.#period.from) : this.#pausedAtMs;
  }

  /** The host turned Replay on (again): a new period starts where the last one ended. */
  resume(after: 'start' | 'paused' | 'interrupted' = 'paused'): void {
    if (this.#period || this.#finished) return;
    const from = tapClock();
    this.#period = { from, atMs: this.#pausedAtMs };
    this.#manifest.periods.push({ from, atMs: this.#pausedAtMs, after });
    this.folder.writeManifest(this.#manifest);
    for (const speaker of this.#speakers.values()) speaker.track.newRun();
    this.#logger.info('replay recording', { atMs: this.#pausedAtMs, after });
  }

  /** The host turned Replay off: nothing is recorded until `resume`; the replay skips the pause. */
  pause(): void {
    if (!this.#period || this.#finished) return;
    this.#closePeriod();
    this.#flush();
    this.#logger.info('replay paused', { atMs: this.#pausedAtMs });
  }

  /** A host's marker: a chapter starts here. */
  mark(title: string): number {
    const atMs = Math.round(this.positionMs());
    this.#append({ type: 'marker', atMs, title });
    return atMs;
  }

  /** The tracks' state now, for a live clip: every page written, positions on the replay's clock. */
  flushNow(): { positionMs: number } {
    this.#flush();
    return { positionMs: this.positionMs() };
  }

  /** The Space ended: every track is padded to the end and closed, the manifest marks it finished. */
  finish(): FinishedRecording {
    if (this.#finished) return this.#finished;
    this.#closePeriod();
    const durationMs = this.#pausedAtMs;
    let stereo = false;
    for (const speaker of this.#speakers.values()) {
      speaker.track.padTo(durationMs);
      speaker.track.writer.close(true);
      stereo ||= speaker.track.stats.stereoPackets > speaker.track.stats.packets / 2;
    }
    for (const timer of this.#timers) clearInterval(timer);
    for (const off of this.#offs) off();
    this.#tap?.close();
    this.#events.close();
    this.#manifest.finished = { atMs: durationMs, stereo };
    this.folder.writeManifest(this.#manifest);
    this.#logger.info('replay recording finished', { durationMs, tracks: this.#speakers.size });
    this.#finished = { durationMs, folder: this.folder, manifest: this.#manifest };
    return this.#finished;
  }

  /** Stops without finishing (the service is shutting down): what was written stays for resume. */
  abandon(): void {
    if (this.#finished) return;
    this.#flush();
    for (const speaker of this.#speakers.values()) speaker.track.writer.close(false);
    for (const timer of this.#timers) clearInterval(timer);
    for (const off of this.#offs) off();
    this.#tap?.close();
    this.#events.close();
    this.#finished = { durationMs: this.positionMs(), folder: this.folder, manifest: this.#manifest };
  }

  /** Per speaker: packets, drops and bytes so far (for logs and the benchmark). */
  stats() {
    return [...this.#speakers.values()].map((s) => ({ index: s.index, memberId: s.memberId, bytes: s.track.writer.bytes, ...s.track.stats }));
  }

  // ---- internals ------------------------------------------------------------------------------------

  #closePeriod(): void {
    if (!this.#period) return;
    const now = tapClock();
    this.#pausedAtMs = this.positionMs(now);
    const last = this.#manifest.periods.at(-1);
    if (last) last.to = now;
    this.#period = undefined;
    for (const speaker of this.#speakers.values()) {
      speaker.speech.close();
      speaker.track.padTo(this.#pausedAtMs);
    }
    this.folder.writeManifest(this.#manifest);
  }

  /** After a crash: reopen every track where its last complete page ends. */
  #reopenTracks(): void {
    let endMs = 0;
    for (const entry of this.#manifest.tracks) {
      const writer = OggOpusWriter.resume(this.folder.path(entry.file)) ?? OggOpusWriter.create(this.folder.path(entry.file), { channels: 2, title: this.#manifest.title });
      const track = new ReplayTrack(writer);
      this.#speakers.set(entry.memberId, this.#speakerState(entry.index, entry.memberId, track));
      endMs = Math.max(endMs, track.endMs);
    }
    for (const event of this.folder.readEvents()) endMs = Math.max(endMs, event.atMs);
    // A period left open by the crash ends where its last kept audio or event does.
    const last = this.#manifest.periods.at(-1);
    if (last && last.to === undefined) last.to = last.from + (endMs - last.atMs);
    this.#pausedAtMs = endMs;
    // Every track resumes from the same point, so they stay aligned.
    for (const speaker of this.#speakers.values()) speaker.track.padTo(endMs);
  }

  #speakerState(index: number, memberId: string, track: ReplayTrack): SpeakerState {
    return {
      index,
      memberId,
      track,
      speech: new SpeechDetector(({ edge, atMs }) => this.#append({ type: 'speech', atMs: Math.round(atMs), track: index, edge })),
    };
  }

  #attach(track: StageTrack): void {
    let speaker = this.#speakers.get(track.memberId);
    if (!speaker) {
      const index = this.#manifest.tracks.length;
      const file = `speaker-${index}.opus`;
      const writer = OggOpusWriter.create(this.folder.path(file), { channels: track.codec.channels, title: `${this.#manifest.title}: ${track.displayName}` });
      const replayTrack = new ReplayTrack(writer);
      // A speaker who comes on later starts with silence up to now, so all tracks share one timeline.
      replayTrack.padTo(this.#period ? this.positionMs(track.openedAt) : this.#pausedAtMs);
      speaker = this.#speakerState(index, track.memberId, replayTrack);
      this.#speakers.set(track.memberId, speaker);
      this.#manifest.tracks.push({ index, memberId: track.memberId, name: track.displayName, file });
      this.folder.writeManifest(this.#manifest);
      this.safeEmit('track', index, track.displayName);
    }
    const state = speaker;
    state.track.newRun();
    track.on('packet', (packet) => this.#onPacket(state, packet));
    track.on('resume', () => state.track.newRun());
    track.on('pause', () => state.speech.close());
    track.on('close', () => state.speech.close());
  }

  #onPacket(speaker: SpeakerState, packet: TapPacket): void {
    if (!this.#period) return;
    if (!speaker.track.add({ payload: packet.payload, timestamp: packet.timestamp, positionMs: this.positionMs(packet.arrivalMs) })) return;
    // Where the packet landed: after any silence put before it.
    const samples = opusPacketSamples(packet.payload);
    const startMs = (speaker.track.writer.granule - samples) / 48;
    speaker.speech.feed(startMs, samples / 48, SpeechDetector.isLoud(packet.audioLevel, packet.payload.length));
  }

  /** Who is on stage when recording starts (later changes come as they are announced). */
  #noteStage(): void {
    const atMs = Math.round(this.positionMs());
    for (const m of this.#space.publicView().stage) {
      this.#append({ type: 'stage', atMs, memberId: m.memberId, name: m.displayName, change: 'joined', role: m.role });
    }
  }

  #onStageChange(change: StageChange): void {
    if (this.#finished) return;
    const wasOn = change.from !== null && isOnStage(change.from);
    const isOn = change.to !== null && isOnStage(change.to);
    this.#append({
      type: 'stage',
      atMs: Math.round(this.positionMs()),
      memberId: change.memberId,
      name: change.displayName,
      change: wasOn && isOn ? 'role' : isOn ? 'joined' : 'left',
      role: change.to ?? 'listener',
      cause: change.cause,
    });
  }

  #onAudience(): void {
    if (this.#finished) return;
    const atMs = Math.round(this.positionMs());
    const { listenerCount } = this.#space.publicView();
    for (const member of this.#space.members()) if (member.role === 'listener') this.#audience.users.add(member.userId);
    if (listenerCount !== this.#audience.listening) {
      this.#audience.listening = listenerCount;
      this.#audience.peak = Math.max(this.#audience.peak, listenerCount);
      this.#append({ type: 'audience', atMs, listening: listenerCount, unique: this.#audience.users.size });
      this.safeEmit('audience', this.#audience.peak, this.#audience.users.size);
    }
  }

  #append(event: RecordingEvent): void {
    try {
      this.#events.append(event);
    } catch (error) {
      this.#logger.error('could not write a replay event', { error });
    }
  }

  #flush(): void {
    for (const speaker of this.#speakers.values()) {
      try {
        speaker.track.writer.flush();
      } catch (error) {
        this.#logger.error('could not write a replay track', { index: speaker.index, error });
      }
    }
  }

  #sync(): void {
    for (const speaker of this.#speakers.values()) fdatasync(speaker.track.writer.fd, () => undefined);
  }
}
