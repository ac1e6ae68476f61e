// The captions of one Space: whether the host turned them on, who declined to be captioned, who
// shows them, who may correct them, and every line. While captions are on it taps the Stage (one
// StageTrack per producer), gates each speaker's packets by their audio level and sends only speech
// to the caption worker; lines come back and go, as `caption.line` events, to the members who show
// captions. Final lines, with corrections, are saved for the replay (CaptionStore).
import { randomBytes } from 'node:crypto';
import type { CaptionLine, CaptionLoad, CaptionState } from '../../shared/captions.js';
import { ProtocolError } from '../../shared/errors.js';
import { isHostRole } from '../../shared/roles.js';
import { StageTap, tapClock, type StageTrack } from '../egress/StageTap.js';
import type { Logger } from '../logger.js';
import type { Member } from '../Member.js';
import type { Space } from '../Space.js';
import type { CaptionStore } from './CaptionStore.js';
import { SpeechGate } from './SpeechGate.js';
import type { ToCaptionWorker, WorkerLine, WorkerLoad } from './worker-messages.js';

/** Final lines a member gets when they turn captions on, so they join mid-conversation with context. */
const BACKFILL_LINES = 20;
/** How long "some words are being skipped" stays up after the worker last skipped audio, ms. */
const SHEDDING_NOTICE_MS = 5000;
/** Saves are folded together: at most one write per this many ms. */
const SAVE_EVERY_MS = 1000;

/** What SpaceCaptions needs of the service that runs the caption worker. */
export interface CaptionWorkerLink {
  send(message: ToCaptionWorker): void;
  /** Starts the worker if needed; answers why captions cannot run, if they cannot. */
  ensureRunning(): string | undefined;
}

interface Talker {
  key: string;
  track: StageTrack;
  gate: SpeechGate;
  /** The line id of each utterance the worker is telling us about. */
  lineIds: Map<number, string>;
}

export class SpaceCaptions {
  readonly #space: Space;
  readonly #worker: CaptionWorkerLink;
  readonly #store: CaptionStore;
  readonly #logger: Logger;
  #enabled: boolean;
  #load: CaptionLoad = 'ok';
  /** When the worker last said it skipped audio of this Space (Date.now()). */
  #lastShedAt = Number.NEGATIVE_INFINITY;
  /** Members who show captions (they get `caption.line`). */
  readonly #showing = new Set<string>();
  /** Members who declined to be captioned: their audio never reaches the engine. */
  readonly #declined = new Set<string>();
  /** Caption editors the host named, with their names. */
  readonly #editors = new Map<string, string>();
  /** Every line by id, in the order they began. */
  readonly #lines = new Map<string, CaptionLine>();
  readonly #talkers = new Map<string, Talker>();
  #tap: StageTap | undefined;
  #opening: Promise<void> | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(init: { space: Space; worker: CaptionWorkerLink; store: CaptionStore; logger: Logger; enabled: boolean }) {
    this.#space = init.space;
    this.#worker = init.worker;
    this.#store = init.store;
    this.#logger = init.logger;
    this.#enabled = init.enabled;
    init.space.on('memberleft', (member) => {
      this.#showing.delete(member.id);
      if (this.#editors.delete(member.id)) this.#broadcastState();
    });
    init.space.once('ended', () => this.close());
    if (this.#enabled) this.#openTap();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get load(): CaptionLoad {
    return this.#load;
  }

  /** Final, visible lines so far (what the saved captions hold). */
  finalLines(): CaptionLine[] {
    return [...this.#lines.values()].filter((l) => l.final && !l.hidden && l.text.length > 0);
  }

  /** What the stage tap has received of each talker: packets, and packets their sequence numbers say were lost. */
  tapped(): Record<string, { packets: number; lost: number }> {
    return Object.fromEntries([...this.#talkers.values()].map((t) => [t.key, { packets: t.track.packets, lost: t.track.lost }]));
  }

  talkerKeys(): string[] {
    return [...this.#talkers.keys()];
  }

  // ---- what people do -----------------------------------------------------------------------------

  setEnabled(enabled: boolean): void {
    if (enabled === this.#enabled) return;
    if (enabled) {
      const why = this.#worker.ensureRunning();
      if (why) throw new ProtocolError('conflict', `captions cannot run on this server: ${why}`);
    }
    this.#enabled = enabled;
    this.#logger.info(enabled ? 'captions on' : 'captions off');
    if (enabled) this.#openTap();
    else this.#closeTap();
    this.#broadcastState();
  }

  show(member: Member, show: boolean): CaptionLine[] {
    if (show) this.#showing.add(member.id);
    else this.#showing.delete(member.id);
    this.#sendState(member);
    return show ? this.finalLines().slice(-BACKFILL_LINES) : [];
  }

  decline(member: Member, declined: boolean): void {
    if (declined) {
      this.#declined.add(member.id);
      // Whatever of theirs is on its way to the engine is thrown away, and its partial line withdrawn.
      for (const talker of this.#talkers.values()) if (talker.track.memberId === member.id) this.#silence(talker);
    } else {
      this.#declined.delete(member.id);
    }
    this.#broadcastState();
  }

  setEditor(target: Member, editor: boolean): void {
    if (isHostRole(target.role)) throw new ProtocolError('conflict', `${target.displayName} already edits captions as a ${target.role === 'host' ? 'host' : 'co-host'}`);
    if (editor) this.#editors.set(target.id, target.displayName);
    else this.#editors.delete(target.id);
    this.#broadcastState();
  }

  /** Whether the host named this member caption editor (the `captionEditor` access rule reads it). */
  isEditor(member: Member): boolean {
    return this.#editors.has(member.id);
  }

  correct(actor: Member, lineId: string, text: string): void {
    const line = this.#editable(lineId);
    this.#update({ ...line, text, hidden: false, editedBy: actor.displayName, revision: line.revision + 1 });
  }

  hide(actor: Member, lineId: string, hidden: boolean): void {
    const line = this.#editable(lineId);
    this.#update({ ...line, hidden, editedBy: actor.displayName, revision: line.revision + 1 });
  }

  /** The captions part of what `member` sees. */
  stateFor(member: Member): CaptionState {
    return {
      enabled: this.#enabled,
      load: this.#enabled ? this.#load : 'ok',
      editors: [...this.#editors].map(([memberId, displayName]) => ({ memberId, displayName })),
      declined: [...this.#declined],
      you: { showing: this.#showing.has(member.id), declined: this.#declined.has(member.id) },
    };
  }

  /** A member joined or came back: tell them where captions stand. */
  welcome(member: Member): void {
    this.#sendState(member);
  }

  // ---- from the caption worker --------------------------------------------------------------------

  onWorkerLine(line: WorkerLine): void {
    const talker = this.#talkers.get(line.talker);
    if (!talker || !this.#enabled || this.#declined.has(talker.track.memberId)) return;
    let lineId = talker.lineIds.get(line.utterance);
    if (!lineId) {
      lineId = randomBytes(6).toString('base64url');
      talker.lineIds.set(line.utterance, lineId);
    }
    if (line.final) talker.lineIds.delete(line.utterance);
    const previous = this.#lines.get(lineId);
    // The worker times speech on the tap's monotonic clock; members and files go by the wall clock
    // (Date.now(), as the Space's start and `ping`'s serverTime), so the studio can place lines.
    const toWall = Date.now() - tapClock();
    const next: CaptionLine = {
      lineId,
      memberId: talker.track.memberId,
      displayName: talker.track.displayName,
      text: line.text,
      final: line.final,
      startedAt: Math.round(line.startedAt + toWall),
      endedAt: Math.round(line.endedAt + toWall),
      delayed: line.delayed,
      skippedSeconds: line.skippedSeconds,
      // An empty final line withdraws the partial (the utterance was only noise).
      hidden: line.final && line.text.length === 0,
      editedBy: null,
      revision: (previous?.revision ?? -1) + 1,
    };
    this.#update(next);
  }

  /**
   * The caption worker died: the utterances it was hearing will never end, so each open line ends here
   * with what was shown of it, and the restarted worker's lines (it counts utterances from one
   * again) start new lines rather than landing in these.
   */
  onWorkerDown(): void {
    for (const talker of this.#talkers.values()) {
      for (const lineId of talker.lineIds.values()) {
        const line = this.#lines.get(lineId);
        if (line && !line.final) this.#update({ ...line, final: true, hidden: line.text.length === 0, revision: line.revision + 1 });
      }
      talker.lineIds.clear();
    }
  }

  /**
   * The worker's load report for this Space's talkers (their backlog, and audio it had to skip),
   * `down` when the worker is not running, `{}` when it just came up. Shedding brings a backlog back
   * under the threshold at once, so "words are being skipped" stays up for SHEDDING_NOTICE_MS after
   * the last skip rather than flickering for a moment.
   */
  onLoad(report: Pick<WorkerLoad, 'backlogMs' | 'skippedMs'> | 'down', thresholds: { behindMs: number; shedMs: number }): void {
    let load: CaptionLoad = 'ok';
    if (report === 'down') load = 'unavailable';
    else {
      const keys = this.talkerKeys();
      if (keys.some((k) => (report.skippedMs[k] ?? 0) > 0)) this.#lastShedAt = Date.now();
      const worst = Math.max(0, ...keys.map((k) => report.backlogMs[k] ?? 0));
      const shedding = worst > thresholds.shedMs || Date.now() - this.#lastShedAt < SHEDDING_NOTICE_MS;
      load = shedding ? 'shedding' : worst > thresholds.behindMs ? 'behind' : 'ok';
    }
    if (load === this.#load) return;
    this.#load = load;
    if (this.#enabled) this.#broadcastState();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeTap();
    clearTimeout(this.#saveTimer);
    this.#save();
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** A final line to correct; who may correct was checked by Connection (the `captionEditor` rule). */
  #editable(lineId: string): CaptionLine {
    const line = this.#lines.get(lineId);
    if (!line) throw new ProtocolError('not_found', 'no caption line with that id in this space');
    if (!line.final) throw new ProtocolError('conflict', 'this line is still being spoken; correct it once it is final');
    return line;
  }

  #update(line: CaptionLine): void {
    this.#lines.set(line.lineId, line);
    for (const memberId of this.#showing) this.#space.member(memberId)?.push('caption.line', line);
    if (line.final) this.#scheduleSave();
  }

  #scheduleSave(): void {
    this.#saveTimer ??= setTimeout(() => {
      this.#saveTimer = undefined;
      this.#save();
    }, SAVE_EVERY_MS);
  }

  #save(): void {
    if (![...this.#lines.values()].some((l) => l.final)) return;
    try {
      this.#store.save({
        spaceId: this.#space.id,
        title: this.#space.title,
        startedAt: this.#space.startedAt,
        lines: [...this.#lines.values()].filter((l) => l.final).sort((a, b) => a.startedAt - b.startedAt),
      });
    } catch (error) {
      this.#logger.error('could not save captions', { error });
    }
  }

  #sendState(member: Member): void {
    member.push('captions.state', this.stateFor(member));
  }

  #broadcastState(): void {
    for (const member of this.#space.members()) if (member.connected) this.#sendState(member);
  }

  #openTap(): void {
    if (this.#tap || this.#opening || this.#space.status !== 'live') return;
    this.#opening = StageTap.open(this.#space, this.#logger)
      .then((tap) => {
        if (!this.#enabled || this.#closed) {
          tap.close();
          return;
        }
        this.#tap = tap;
        tap.on('track', (track) => this.#follow(track));
      })
      .catch((error: unknown) => this.#logger.error('could not tap the stage for captions', { error }))
      .finally(() => (this.#opening = undefined));
  }

  #closeTap(): void {
    for (const talker of this.#talkers.values()) this.#silence(talker);
    this.#talkers.clear();
    this.#tap?.close();
    this.#tap = undefined;
  }

  #follow(track: StageTrack): void {
    const talker: Talker = { key: `${this.#space.id}:${track.producerId}`, track, gate: new SpeechGate(), lineIds: new Map() };
    this.#talkers.set(talker.key, talker);
    track.on('packet', (packet) => {
      if (this.#declined.has(track.memberId)) return;
      const { speech, ended } = talker.gate.push({
        payload: packet.payload,
        sequenceNumber: packet.sequenceNumber,
        timestamp: packet.timestamp,
        audioLevel: packet.audioLevel ? -packet.audioLevel.dBov : undefined,
        arrivedAt: packet.arrivalMs,
      });
      if (speech.length > 0) this.#worker.send({ t: 'audio', talker: talker.key, packets: speech });
      if (ended) this.#worker.send({ t: 'pause', talker: talker.key });
    });
    // Muted: whatever was said before the mute is a finished utterance.
    track.on('pause', () => {
      if (talker.gate.flush()) this.#worker.send({ t: 'pause', talker: talker.key });
    });
    track.on('close', () => {
      talker.gate.flush();
      this.#worker.send({ t: 'close', talker: talker.key, discard: false });
      // Lines of this talker still on their way keep their ids until the worker's final arrives.
      setTimeout(() => this.#talkers.delete(talker.key), 30_000).unref();
    });
  }

  /** Stops a talker's captions at once: queued audio dropped, a partial line withdrawn. */
  #silence(talker: Talker): void {
    talker.gate.flush();
    this.#worker.send({ t: 'close', talker: talker.key, discard: true });
    for (const lineId of talker.lineIds.values()) {
      const line = this.#lines.get(lineId);
      if (line && !line.final) this.#update({ ...line, final: true, text: '', hidden: true, revision: line.revision + 1 });
    }
    talker.lineIds.clear();
  }
}
