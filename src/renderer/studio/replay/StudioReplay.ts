// The host's side of the server's replay: while live, turn recording on or off, allow live clips and
// set markers (over signaling); after the end, follow the publication and trim the start, set the
// retention or delete the replay and its clips (over the replay's HTTP API, as the host). A plain class
// with typed events; the studio's replay panels only render it.
import type { LiveReplayState, ReplayInfo, Retention } from '../../../shared/replay';
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { RoomClient } from '../../room/RoomClient';

const POLL_MS = 1500;

export interface StudioReplayState {
  /** While live: what the server says (every listener sees the same mark). */
  live: LiveReplayState;
  markers: number;
  /** After the end: the replay as published (undefined until asked, or when there is none). */
  info?: ReplayInfo;
  /** The replay was deleted by the host. */
  deleted: boolean;
  error?: string;
}

export type StudioReplayEvents = {
  change: [state: StudioReplayState];
};

export class StudioReplay extends TypedEmitter<StudioReplayEvents> {
  readonly spaceId: string;
  readonly #room: RoomClient;
  readonly #httpUrl: string;
  /** The host's token for this Space: it authorises the host's changes after the show. */
  readonly #hostToken: string;
  #state: StudioReplayState;
  #poll: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(init: { room: RoomClient; spaceId: string; httpUrl: string; hostToken: string }) {
    super();
    this.spaceId = init.spaceId;
    this.#room = init.room;
    this.#httpUrl = init.httpUrl;
    this.#hostToken = init.hostToken;
    this.#state = { live: init.room.snapshot?.replay ?? { recording: false, liveClips: false }, markers: 0, deleted: false };
    init.room.on('state', (snapshot) => {
      const live = snapshot.replay;
      if (live.recording !== this.#state.live.recording || live.liveClips !== this.#state.live.liveClips) this.#set({ live });
    });
  }

  get state(): StudioReplayState {
    return this.#state;
  }

  /** The replay page's link. */
  get link(): string {
    return `${this.#httpUrl}/replay/${this.spaceId}`;
  }

  async setRecording(enabled: boolean): Promise<void> {
    await this.#try(async () => this.#set({ live: await this.#room.request('replay.set', { enabled }) }));
  }

  async setLiveClips(allowed: boolean): Promise<void> {
    await this.#try(async () => this.#set({ live: await this.#room.request('replay.set', { enabled: this.#state.live.recording || allowed, liveClips: allowed }) }));
  }

  async mark(title: string): Promise<void> {
    await this.#try(async () => {
      await this.#room.request('replay.mark', { title });
      this.#set({ markers: this.#state.markers + 1 });
    });
  }

  /** After the Space ended: follows the replay until it is published (or failed). */
  follow(): void {
    if (this.#closed) return;
    clearTimeout(this.#poll);
    void this.refresh().then((info) => {
      if (!this.#closed && info && (info.status === 'processing' || info.status === 'recording')) this.#poll = setTimeout(() => this.follow(), POLL_MS);
    });
  }

  async refresh(): Promise<ReplayInfo | undefined> {
    const response = await fetch(this.#api(''), { headers: this.#auth() }).catch(() => undefined);
    if (!response?.ok) {
      this.#set({ info: undefined });
      return undefined;
    }
    const info = (await response.json()) as ReplayInfo;
    this.#set({ info });
    return info;
  }

  async trim(startMs: number): Promise<void> {
    await this.#patch({ trimStartMs: Math.max(0, Math.round(startMs)) });
  }

  async setRetention(retention: Retention): Promise<void> {
    await this.#patch({ retention });
  }

  /** Deletes the replay and every clip of it. */
  async delete(): Promise<void> {
    await this.#try(async () => {
      const response = await fetch(this.#api(''), { method: 'DELETE', headers: this.#auth() });
      if (!response.ok) throw new Error(await failure(response));
      this.#set({ info: undefined, deleted: true });
    });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#poll);
    this.removeAllListeners();
  }

  async #patch(body: { trimStartMs?: number; retention?: Retention }): Promise<void> {
    await this.#try(async () => {
      const response = await fetch(this.#api(''), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...this.#auth() },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(await failure(response));
      this.#set({ info: (await response.json()) as ReplayInfo });
    });
  }

  async #try(run: () => Promise<void>): Promise<void> {
    this.#set({ error: undefined });
    try {
      await run();
    } catch (e) {
      this.#set({ error: (e as Error).message });
    }
  }

  #api(tail: string): string {
    return `${this.#httpUrl}/api/replays/${encodeURIComponent(this.spaceId)}${tail}`;
  }

  #auth(): Record<string, string> {
    return { authorization: `Bearer ${this.#hostToken}` };
  }

  #set(patch: Partial<StudioReplayState>): void {
    this.#state = { ...this.#state, ...patch };
    this.safeEmit('change', this.#state);
  }
}

async function failure(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  return body.error?.message ?? `the server answered ${response.status}`;
}
