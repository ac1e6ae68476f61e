// A replay as a listener plays it: loads the replay's info and timeline, drives a media element (play,
// pause, seek, 1×/1.5×/2×), knows who is speaking at the playhead and where the next speaker starts,
// the chapters, the captions in sync, and cuts clips. A plain class with typed events; the replay page
// only renders its state.
import { nextSpeakerStart, type ClipInfo, type ReplayInfo, type ReplayTimeline } from '../../shared/replay';
import { TypedEmitter } from '../../shared/TypedEmitter';

export const SPEEDS = [1, 1.5, 2] as const;
export type Speed = (typeof SPEEDS)[number];
/** How often a replay still being published is asked about. */
const PROCESSING_POLL_MS = 2000;

/** What the player needs of an <audio> element. */
export interface ReplayMedia {
  src: string;
  currentTime: number;
  playbackRate: number;
  readonly paused: boolean;
  play(): Promise<void>;
  pause(): void;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  readonly textTracks?: {
    length: number;
    [index: number]: { mode: string; activeCues: ArrayLike<object> | null; addEventListener?(type: 'cuechange', listener: () => void): void };
  };
}

export type ReplayLoad = 'loading' | 'processing' | 'ready' | 'missing' | 'refused' | 'failed';

export interface ReplayPlayerState {
  load: ReplayLoad;
  /** Why it is missing, refused or failed, for people. */
  message?: string;
  info?: ReplayInfo;
  timeline?: ReplayTimeline;
  positionMs: number;
  playing: boolean;
  speed: Speed;
  captionsOn: boolean;
  /** The caption line at the playhead, with its speaker (WebVTT voice). */
  caption?: { speaker?: string; text: string };
  /** Speakers (timeline indexes) talking at the playhead. */
  speaking: number[];
  /** The chapter at the playhead. */
  chapter: number;
}

export type ReplayPlayerEvents = {
  change: [state: ReplayPlayerState];
};

export interface ReplayPlayerOptions {
  spaceId: string;
  media: ReplayMedia;
  /** Prefix for the API's relative URLs (empty on the service's own pages). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Sent as a bearer token (a ticket holder's or the host's identity). */
  token?: string;
}

export class ReplayPlayer extends TypedEmitter<ReplayPlayerEvents> {
  readonly spaceId: string;
  readonly #media: ReplayMedia;
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #token: string | undefined;
  #state: ReplayPlayerState = { load: 'loading', positionMs: 0, playing: false, speed: 1, captionsOn: false, speaking: [], chapter: 0 };
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** The captions track's cue changes are followed (set up once, on the first switch on). */
  #followingCues = false;
  /** Media listeners, removed on close. */
  readonly #offs: Array<() => void> = [];
  #closed = false;

  constructor(options: ReplayPlayerOptions) {
    super();
    this.spaceId = options.spaceId;
    this.#media = options.media;
    this.#base = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? fetch.bind(globalThis);
    this.#token = options.token;
    const on = (type: string, listener: () => void) => {
      this.#media.addEventListener(type, listener);
      this.#offs.push(() => this.#media.removeEventListener(type, listener));
    };
    on('timeupdate', () => this.#tick());
    on('seeked', () => this.#tick());
    on('play', () => this.#set({ playing: true }));
    on('pause', () => this.#set({ playing: false }));
    on('ended', () => this.#set({ playing: false }));
    on('ratechange', () => this.#set({ speed: this.#nearestSpeed(this.#media.playbackRate) }));
  }

  get state(): ReplayPlayerState {
    return this.#state;
  }

  /** Loads the replay; while it is still being published, asks again until it is ready. */
  async load(): Promise<ReplayPlayerState> {
    const response = await this.#get(`/api/replays/${encodeURIComponent(this.spaceId)}`);
    if (response.status === 404) return this.#set({ load: 'missing', message: 'This space has no replay.' });
    if (response.status === 402 || response.status === 401 || response.status === 403) {
      return this.#set({ load: 'refused', message: await errorMessage(response, 'This replay is not open to you.') });
    }
    if (!response.ok) return this.#set({ load: 'failed', message: await errorMessage(response, 'The replay could not be loaded.') });
    const info = (await response.json()) as ReplayInfo;
    if (info.status === 'failed') return this.#set({ load: 'failed', info, message: 'The replay could not be published.' });
    if (info.status !== 'published' || !info.audioUrl || !info.timelineUrl) {
      if (!this.#closed) this.#pollTimer = setTimeout(() => void this.load(), PROCESSING_POLL_MS);
      return this.#set({ load: 'processing', info, message: info.status === 'recording' ? 'The space is still live; its replay comes after it ends.' : 'The replay is being published…' });
    }
    const timeline = (await (await this.#get(info.timelineUrl)).json()) as ReplayTimeline;
    this.#media.src = this.#url(info.audioUrl);
    return this.#set({ load: 'ready', info, timeline, message: undefined });
  }

  async play(): Promise<void> {
    await this.#media.play();
  }

  pause(): void {
    this.#media.pause();
  }

  async toggle(): Promise<void> {
    if (this.#media.paused) await this.play();
    else this.pause();
  }

  /** Moves the playhead to `ms` on the replay's timeline. */
  seek(ms: number): void {
    const duration = this.#state.timeline?.durationMs ?? Infinity;
    this.#media.currentTime = Math.max(0, Math.min(ms, duration)) / 1000;
    this.#tick();
  }

  setSpeed(speed: Speed): void {
    this.#media.playbackRate = speed;
    this.#set({ speed });
  }

  /** Jumps to where the next person (not the one talking now, or last) starts speaking. */
  skipToNextSpeaker(): boolean {
    const next = this.nextSpeaker();
    if (!next) return false;
    this.seek(next.startMs);
    return true;
  }

  nextSpeaker() {
    return this.#state.timeline ? nextSpeakerStart(this.#state.timeline.segments, this.positionMs) : undefined;
  }

  jumpToChapter(index: number): void {
    const chapter = this.#state.timeline?.chapters[index];
    if (chapter) this.seek(chapter.startMs);
  }

  setCaptions(on: boolean): void {
    const track = this.#media.textTracks?.[0];
    // Hidden, not showing: the page draws the line itself, with the speaker's name.
    if (track) track.mode = on ? 'hidden' : 'disabled';
    if (track && on && !this.#followingCues) {
      // Cues load after the switch and change between timeupdates: follow them as they change.
      track.addEventListener?.('cuechange', () => this.#tick());
      this.#followingCues = true;
    }
    this.#set({ captionsOn: on, caption: on ? this.#caption() : undefined });
  }

  get positionMs(): number {
    return Math.round(this.#media.currentTime * 1000);
  }

  /** Cuts a 30 s clip starting at `startMs` (default: the playhead). */
  async clip(startMs = this.positionMs, title?: string): Promise<ClipInfo> {
    const response = await this.#fetch(this.#url(`/api/replays/${encodeURIComponent(this.spaceId)}/clips`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.#auth() },
      body: JSON.stringify({ startMs: Math.max(0, Math.round(startMs)), ...(title ? { title } : {}) }),
    });
    if (!response.ok) throw new Error(await errorMessage(response, 'The clip could not be made.'));
    const clip = (await response.json()) as ClipInfo;
    const info = this.#state.info;
    if (info) this.#set({ info: { ...info, clips: [...info.clips, clip] } });
    return clip;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    for (const off of this.#offs) off();
    this.removeAllListeners();
  }

  #tick(): void {
    const positionMs = this.positionMs;
    const timeline = this.#state.timeline;
    const speaking = timeline ? [...new Set(timeline.segments.filter((s) => s.startMs <= positionMs && s.endMs > positionMs).map((s) => s.speaker))] : [];
    let chapter = 0;
    timeline?.chapters.forEach((c, i) => {
      if (c.startMs <= positionMs) chapter = i;
    });
    this.#set({ positionMs, speaking, chapter, caption: this.#state.captionsOn ? this.#caption() : undefined });
  }

  #caption(): { speaker?: string; text: string } | undefined {
    const cues = this.#media.textTracks?.[0]?.activeCues;
    if (!cues || cues.length === 0) return undefined;
    // VTTCue carries the text; other cue kinds do not.
    const raw = (cues[cues.length - 1] as { text?: string } | undefined)?.text ?? '';
    const voiced = /^<v(?:\.[^ >]*)? ([^>]+)>(.*)$/s.exec(raw);
    return voiced ? { speaker: voiced[1], text: voiced[2]!.replace(/<\/v>$/, '') } : { text: raw };
  }

  #nearestSpeed(rate: number): Speed {
    return SPEEDS.reduce((best, s) => (Math.abs(s - rate) < Math.abs(best - rate) ? s : best), 1 as Speed);
  }

  #set(patch: Partial<ReplayPlayerState>): ReplayPlayerState {
    this.#state = { ...this.#state, ...patch };
    this.safeEmit('change', this.#state);
    return this.#state;
  }

  #url(path: string): string {
    return `${this.#base}${path}`;
  }

  #auth(): Record<string, string> {
    return this.#token ? { authorization: `Bearer ${this.#token}` } : {};
  }

  #get(path: string): Promise<Response> {
    return this.#fetch(this.#url(path), { headers: this.#auth() });
  }
}

async function errorMessage(response: Response, fallback: string): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ? `${fallback.replace(/\.$/, '')}: ${body.error.message}.` : fallback;
  } catch {
    return fallback;
  }
}
