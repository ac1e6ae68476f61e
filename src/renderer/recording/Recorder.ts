// Captures a show for local recording: AudioWorklet taps on the console's processed voice, on each remote
// speaker as received, and on a mix of all of them (what the host says and hears), sent as binary PCM
// batches to the main process four times a second; plus the timeline, from the Stage changes and speaking
// the server announces (through the RoomClient); plus, when the Space is captioned, its final caption
// lines (and their corrections) placed on the audio clock, for captions.vtt beside the tracks.
// The renderer never holds more than a quarter of a second of the show.
import type { CaptionLine } from '../../shared/captions';
import {
  encodeAudioBatch,
  RECORDING_SAMPLE_RATE,
  type AddTrackRequest,
  type AudioChunk,
  type RecordingCaptionInput,
  type RecordingStatus,
  type RecordingSummary,
  type TimelineEventInput,
  type TimelineEventType,
} from '../../shared/recording';
import type { StageChange } from '../../shared/protocol';
import { isOnStage, type Role } from '../../shared/roles';
import type { StudioApi } from '../../shared/studio-api';
import { TypedEmitter } from '../../shared/TypedEmitter';
import type { CaptionFeed } from '../room/CaptionFeed';
import type { RemoteTrack, RoomClient } from '../room/RoomClient';
import { localNow, ServerClock } from '../room/ServerClock';
import type { TapChunk, TapCommand, TapMessage } from './messages';
import tapWorkletUrl from './recorder-tap.worklet.ts?worker&url';

/** What the Recorder needs from the console: its audio clock and the processed voice. */
export interface RecorderConsole {
  readonly context: AudioContext;
  readonly processedTrack: MediaStreamTrack;
}

export type RecorderState = 'idle' | 'starting' | 'recording' | 'paused' | 'stopping';

export type RecorderEvents = {
  state: [state: RecorderState];
  status: [status: RecordingStatus];
  /** A marker was added; `count` markers are on this recording now. */
  marker: [count: number];
  /** The recording ended; `reason` is set when it was not the host who stopped it (disk full, error). */
  stopped: [summary: RecordingSummary | undefined, reason: string | undefined];
};

interface Tap {
  node: AudioWorkletNode;
  /** The node feeding the tap (disconnected when the tap goes). */
  source: AudioNode | undefined;
  /** Keeps the worklet pulled without making a sound. */
  sink: GainNode;
  /** Known once main has opened the track's file. */
  trackNo: number | undefined;
  /** Chunks captured before the track number arrived. */
  waiting: TapChunk[];
  /** Called when the tap answers a flush. */
  onFlushed: (() => void) | undefined;
}

/** How often captured audio and events go to main. */
const SEND_INTERVAL_MS = 250;
/** How often the server's clock is measured again while recording (clocks drift apart by ppm). */
const CLOCK_SYNC_EVERY_MS = 60_000;
/** How long a stop waits for captions of the last words (the gate's hangover plus recognition). */
const CAPTIONS_SETTLE_MS = 3000;
const loadedContexts = new WeakSet<BaseAudioContext>();

export class Recorder extends TypedEmitter<RecorderEvents> {
  readonly #studio: StudioApi;
  readonly #console: RecorderConsole;
  readonly #room: RoomClient;
  readonly #hostName: string;
  #state: RecorderState = 'idle';
  /** The recording's id in the library, once started. */
  #id: string | undefined;
  /** Taps by what they record: 'mix', 'host', or a remote member's id. */
  readonly #taps = new Map<string, Tap>();
  /** Which member each received consumer belongs to, to find their tap when it goes. */
  readonly #memberOfConsumer = new Map<string, string>();
  #mixBus: GainNode | undefined;
  /** Chunks with track numbers, ready to send. */
  #outbox: AudioChunk[] = [];
  #events: TimelineEventInput[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #sending: Promise<void> = Promise.resolve();
  #busy = false;
  #offRoom: Array<() => void> = [];
  /** Who is on stage (id → name): the snapshot at the start, then the Stage changes. */
  #stage = new Map<string, string>();
  #speaking = new Set<string>();
  /** Markers added since the recording started. */
  #markers = 0;
  /** Bytes sent to main so far (for people and tests). */
  bytesSent = 0;
  /** The Space's captions, when the studio receives them; their final lines go to captions.vtt. */
  readonly #captions: CaptionFeed | undefined;
  /** Caption lines timed on the audio clock, ready to send. */
  #captionLines: RecordingCaptionInput[] = [];
  /** Where the server's clock (caption times) stands against ours. */
  readonly #serverClock: ServerClock;
  #clockTimer: ReturnType<typeof setInterval> | undefined;

  constructor(studio: StudioApi, console: RecorderConsole, room: RoomClient, hostName: string, captions?: CaptionFeed) {
    super();
    this.#studio = studio;
    this.#console = console;
    this.#room = room;
    this.#hostName = hostName;
    this.#captions = captions;
    this.#serverClock = new ServerClock(() => room.request('ping', {}));
  }

  get state(): RecorderState {
    return this.#state;
  }
  get id(): string | undefined {
    return this.#id;
  }

  /** Starts recording now: the mix, the host's voice, and everyone already on stage. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error('already recording');
    const context = this.#console.context;
    if (context.sampleRate !== RECORDING_SAMPLE_RATE) throw new Error(`the console runs at ${context.sampleRate} Hz, not ${RECORDING_SAMPLE_RATE}`);
    this.#setState('starting');
    try {
      if (!loadedContexts.has(context)) {
        await context.audioWorklet.addModule(tapWorkletUrl);
        loadedContexts.add(context);
      }
      const snapshot = this.#room.snapshot;
      const originFrame = this.#nowFrame();
      const started = await this.#studio.startRecording({ spaceId: snapshot?.spaceId ?? '', title: snapshot?.title ?? 'Untitled', originFrame });
      this.#id = started.id;
      this.#markers = 0;
      const mixBus = context.createGain();
      mixBus.channelCount = 1;
      mixBus.channelCountMode = 'explicit';
      this.#mixBus = mixBus;
      this.#addTap('mix', mixBus, { kind: 'mix', name: 'Mix' });
      const host = context.createMediaStreamSource(new MediaStream([this.#console.processedTrack]));
      host.connect(mixBus);
      this.#addTap('host', host, { kind: 'host', name: this.#hostName || 'Host', memberId: this.#room.memberId });
      for (const remote of this.#room.remoteTracks()) this.#addRemote(remote);
      this.#offRoom = [
        this.#room.on('trackadded', (remote) => this.#addRemote(remote)),
        this.#room.on('trackremoved', ({ consumerId }) => this.#removeRemote(consumerId)),
        this.#room.on('stage', (change) => this.#onStageChange(change)),
        this.#room.on('speaking', (ids) => this.#onSpeaking(ids)),
        this.#room.on('reactions', (burst) => {
          const label = Object.entries(burst.counts).map(([emoji, n]) => `${emoji}×${n}`).join(' ');
          if (label) this.#note('reaction', { label });
        }),
      ];
      if (this.#captions) {
        // Captions are an extra: a recording starts without them rather than not at all.
        await this.#keepCaptions(this.#captions).catch((error: Error) =>
          this.safeEmit('status', { state: 'recording', seconds: 0, tracks: this.#taps.size, message: `captions will not be saved with this recording: ${error.message}` }),
        );
      }
      // Everyone already on stage is on the timeline from its start.
      for (const m of snapshot?.stage ?? []) {
        this.#stage.set(m.memberId, m.displayName);
        this.#note('stage.join', { memberId: m.memberId, name: m.displayName });
      }
      this.#timer = setInterval(() => this.#schedulePump(), SEND_INTERVAL_MS);
      this.#setState('recording');
    } catch (error) {
      this.#teardown();
      this.#setState('idle');
      throw error;
    }
  }

  /** Markers on this recording's timeline so far. */
  get markers(): number {
    return this.#markers;
  }

  /** A marker on the timeline, now; `label` is optional (exports call it "Marker n"). False when not recording. */
  addMarker(label?: string): boolean {
    if (this.#state !== 'recording' && this.#state !== 'paused') return false;
    this.#note('marker', { label });
    this.#markers++;
    this.safeEmit('marker', this.#markers);
    return true;
  }

  async pause(): Promise<void> {
    if (this.#state !== 'recording') return;
    const status = await this.#studio.pauseRecording(this.#nowFrame());
    this.#setState('paused');
    this.safeEmit('status', status);
  }

  async resume(): Promise<void> {
    if (this.#state !== 'paused') return;
    const status = await this.#studio.resumeRecording(this.#nowFrame());
    this.#setState('recording');
    this.safeEmit('status', status);
  }

  /** Sends what the taps still hold, then finishes the recording in main. */
  async stop(): Promise<RecordingSummary | undefined> {
    if (this.#state !== 'recording' && this.#state !== 'paused') return undefined;
    this.#setState('stopping');
    clearInterval(this.#timer);
    // Every track ends here; the taps' last chunks reach past it and are cut to it.
    const endFrame = this.#nowFrame();
    const flushed = [...this.#taps.values()].map((tap) => this.#flushTap(tap));
    await Promise.all(flushed);
    await this.#captionsSettled();
    this.#schedulePump();
    await this.#sending;
    let summary: RecordingSummary | undefined;
    try {
      summary = await this.#studio.stopRecording(endFrame);
    } finally {
      this.#teardown();
      this.#setState('idle');
    }
    this.safeEmit('stopped', summary, undefined);
    return summary;
  }

  // ---- internals --------------------------------------------------------------------------------

  #nowFrame(): number {
    return Math.round(this.#console.context.currentTime * this.#console.context.sampleRate);
  }

  /** A moment on the server's clock (caption times) as a frame of the audio clock the tracks are recorded on. */
  #frameAtServerTime(serverMs: number): number {
    const context = this.#console.context;
    const agoSeconds = (localNow() - this.#serverClock.toLocal(serverMs)) / 1000;
    return Math.round((context.currentTime - agoSeconds) * context.sampleRate);
  }

  /** Receives the Space's caption lines while recording, shown or not, and keeps their final versions. */
  async #keepCaptions(feed: CaptionFeed): Promise<void> {
    await this.#serverClock.sync();
    this.#clockTimer = setInterval(() => void this.#serverClock.sync(3).catch(() => undefined), CLOCK_SYNC_EVERY_MS);
    this.#offRoom.push(feed.on('line', (line) => this.#onCaption(line)));
    await feed.keepForRecording(true);
  }

  /** Waits (3 s at most) for the lines still being spoken at the stop to come out final, so the file has the last words. */
  async #captionsSettled(): Promise<void> {
    const feed = this.#captions;
    if (!feed) return;
    const until = performance.now() + CAPTIONS_SETTLE_MS;
    while (feed.lines().some((l) => !l.final) && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
  }

  #onCaption(line: CaptionLine): void {
    // Partial lines change while spoken; the file keeps what was finally said (and its corrections).
    if (!line.final) return;
    this.#captionLines.push({
      lineId: line.lineId,
      displayName: line.displayName,
      text: line.text,
      hidden: line.hidden,
      revision: line.revision,
      startFrame: this.#frameAtServerTime(line.startedAt),
      endFrame: this.#frameAtServerTime(line.endedAt),
    });
  }

  #setState(state: RecorderState): void {
    this.#state = state;
    this.safeEmit('state', state);
  }

  #note(type: TimelineEventType, extra: Omit<TimelineEventInput, 'atFrame' | 'type'>): void {
    const event: TimelineEventInput = { atFrame: this.#nowFrame(), type };
    if (extra.memberId) event.memberId = extra.memberId;
    if (extra.name) event.name = extra.name;
    if (extra.label) event.label = extra.label;
    this.#events.push(event);
  }

  #addTap(key: string, source: AudioNode, track: AddTrackRequest): void {
    const context = this.#console.context;
    const node = new AudioWorkletNode(context, 'hostline-recorder-tap', {
      channelCount: 1,
      channelCountMode: 'explicit',
      outputChannelCount: [1],
    });
    const sink = context.createGain();
    sink.gain.value = 0;
    source.connect(node);
    node.connect(sink).connect(context.destination);
    const tap: Tap = { node, source, sink, trackNo: undefined, waiting: [], onFlushed: undefined };
    node.port.onmessage = (event: MessageEvent<TapMessage>) => {
      if (event.data.type === 'flushed') tap.onFlushed?.();
      else if (tap.trackNo === undefined) tap.waiting.push(event.data);
      else this.#outbox.push({ trackNo: tap.trackNo, frame: event.data.frame, samples: event.data.samples });
    };
    this.#taps.set(key, tap);
    void this.#studio.addRecordingTrack(track).then(
      ({ trackNo }) => {
        tap.trackNo = trackNo;
        for (const c of tap.waiting) this.#outbox.push({ trackNo, frame: c.frame, samples: c.samples });
        tap.waiting = [];
      },
      (error: Error) => this.safeEmit('status', { state: 'recording', seconds: 0, tracks: this.#taps.size, message: `could not record ${track.name}: ${error.message}` }),
    );
  }

  #addRemote(remote: RemoteTrack): void {
    if (!this.#mixBus) return;
    this.#memberOfConsumer.set(remote.consumerId, remote.memberId);
    this.#dropTap(remote.memberId);
    const source = this.#console.context.createMediaStreamSource(new MediaStream([remote.track]));
    source.connect(this.#mixBus);
    // The same member coming back gets their track back from main; the gap is filled with silence.
    this.#addTap(remote.memberId, source, { kind: 'speaker', name: remote.displayName, memberId: remote.memberId });
  }

  #removeRemote(consumerId: string): void {
    const memberId = this.#memberOfConsumer.get(consumerId);
    if (!memberId) return;
    this.#memberOfConsumer.delete(consumerId);
    const tap = this.#taps.get(memberId);
    if (tap) void this.#flushTap(tap).then(() => this.#dropTap(memberId));
  }

  /** Asks a tap for what it holds and waits until that last chunk has arrived (2 s at most). */
  #flushTap(tap: Tap): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, 2000);
      function done() {
        clearTimeout(timer);
        tap.onFlushed = undefined;
        resolve();
      }
      tap.onFlushed = done;
      tap.node.port.postMessage({ type: 'flush' } satisfies TapCommand);
    });
  }

  #dropTap(key: string): void {
    const tap = this.#taps.get(key);
    if (!tap) return;
    tap.node.port.postMessage({ type: 'stop' } satisfies TapCommand);
    tap.source?.disconnect();
    tap.node.disconnect();
    tap.sink.disconnect();
    this.#taps.delete(key);
  }

  /** The server said who came on or left the Stage, and why: the timeline takes it as it is. */
  #onStageChange(change: StageChange): void {
    const onStage = (role: Role | null) => role !== null && isOnStage(role);
    const who = { memberId: change.memberId, name: change.displayName };
    if (onStage(change.to) && !onStage(change.from)) {
      if (change.cause === 'approved') this.#note('queue.approve', who);
      this.#note('stage.join', who);
      this.#stage.set(change.memberId, change.displayName);
    } else if (onStage(change.from) && !onStage(change.to)) {
      if (change.cause === 'removed') this.#note('member.remove', who);
      this.#note('stage.leave', who);
      this.#stage.delete(change.memberId);
    }
  }

  #onSpeaking(memberIds: string[]): void {
    const now = new Set(memberIds);
    for (const id of now) if (!this.#speaking.has(id)) this.#note('speaking.start', { memberId: id, name: this.#stage.get(id) });
    for (const id of this.#speaking) if (!now.has(id)) this.#note('speaking.stop', { memberId: id, name: this.#stage.get(id) });
    this.#speaking = now;
  }

  #schedulePump(): void {
    if (this.#busy) return;
    this.#busy = true;
    this.#sending = this.#sending.then(() => this.#pump()).finally(() => (this.#busy = false));
  }

  async #pump(): Promise<void> {
    const chunks = this.#outbox;
    const events = this.#events;
    const captions = this.#captionLines;
    this.#outbox = [];
    this.#events = [];
    this.#captionLines = [];
    try {
      if (events.length) await this.#studio.addRecordingEvents(events);
      if (captions.length) await this.#studio.addRecordingCaptions(captions);
      if (!chunks.length) return;
      const batch = encodeAudioBatch(chunks);
      this.bytesSent += batch.byteLength;
      const status = await this.#studio.sendRecordingAudio(batch);
      this.safeEmit('status', status);
      if (status.state === 'idle' && (this.#state === 'recording' || this.#state === 'paused')) {
        // Main stopped the recording itself (disk nearly full, write error): the files are closed cleanly.
        this.#teardown();
        this.#setState('idle');
        this.safeEmit('stopped', undefined, status.message ?? status.stoppedBecause ?? 'the recording stopped');
      }
    } catch (error) {
      this.safeEmit('status', { state: this.#state === 'paused' ? 'paused' : 'recording', seconds: 0, tracks: this.#taps.size, message: (error as Error).message });
    }
  }

  #teardown(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#clockTimer);
    this.#clockTimer = undefined;
    this.#captionLines = [];
    if (this.#captions) void this.#captions.keepForRecording(false).catch(() => undefined);
    for (const off of this.#offRoom) off();
    this.#offRoom = [];
    for (const key of [...this.#taps.keys()]) this.#dropTap(key);
    this.#mixBus?.disconnect();
    this.#mixBus = undefined;
    this.#outbox = [];
    this.#events = [];
    this.#stage.clear();
    this.#speaking.clear();
    this.#memberOfConsumer.clear();
  }
}
