// The Space page's state: the Space as the server pushes it over the socket (countdown, reminder
// count, a new time, live with an invitation, ended), what the viewer set (reminder, follow), and the
// actions that change those over the HTTP API. A plain class with typed events; React renders it.
import { ApiClient } from '../../shared/http/client';
import type { SpacePage, SpaceViewer } from '../../shared/schedule';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { SignalingClient } from '../room/SignalingClient';

export interface SpacePageState {
  page: SpacePage | undefined;
  viewer: SpaceViewer | undefined;
  /** Set when no Space has this link. */
  missing: string | undefined;
  /** Set while the socket is down (the page keeps trying). */
  offline: boolean;
}

export type SpacePageEvents = { changed: [state: SpacePageState] };

const RETRY_MS = [500, 1000, 2000, 5000];

export class SpacePageSession extends TypedEmitter<SpacePageEvents> {
  readonly spaceId: string;
  readonly api: ApiClient;
  readonly #wsUrl: string;
  #signaling: SignalingClient | undefined;
  #state: SpacePageState = { page: undefined, viewer: undefined, missing: undefined, offline: false };
  #closed = false;
  #attempt = 0;

  constructor(spaceId: string, wsUrl: string, api = new ApiClient()) {
    super();
    this.spaceId = spaceId;
    this.#wsUrl = wsUrl;
    this.api = api;
  }

  get state(): SpacePageState {
    return this.#state;
  }

  #set(patch: Partial<SpacePageState>): void {
    this.#state = { ...this.#state, ...patch };
    this.safeEmit('changed', this.#state);
  }

  /** Connects and watches; reconnects by itself until closed. */
  async open(): Promise<void> {
    if (this.#closed) return;
    const signaling = new SignalingClient(this.#wsUrl, undefined, 'space page');
    this.#signaling = signaling;
    signaling.on('space.page', (page) => this.#set({ page }));
    signaling.on('disconnected', () => {
      if (this.#closed || this.#signaling !== signaling) return;
      this.#set({ offline: true });
      setTimeout(() => void this.open(), RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)]);
    });
    try {
      await signaling.connect();
      const { page, viewer } = await signaling.request('space.watch', { spaceId: this.spaceId });
      this.#attempt = 0;
      this.#set({ page, viewer, offline: false, missing: undefined });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'not_found' || code === 'invalid_payload') {
        this.#set({ missing: (error as Error).message });
        signaling.close();
        return;
      }
      this.#signaling = undefined;
      signaling.close();
      this.#set({ offline: true });
      setTimeout(() => void this.open(), RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)]);
    }
  }

  async #viewerAction(run: () => Promise<{ page: SpacePage; viewer: SpaceViewer }>): Promise<void> {
    const { page, viewer } = await run();
    this.#set({ page, viewer });
  }

  remind(): Promise<void> {
    return this.#viewerAction(() => this.api.call('reminder.set', { params: { spaceId: this.spaceId }, body: {} }));
  }

  unremind(): Promise<void> {
    return this.#viewerAction(() => this.api.call('reminder.remove', { params: { spaceId: this.spaceId } }));
  }

  async setFollowing(follow: boolean): Promise<void> {
    const handle = this.#state.page?.host?.handle;
    if (!handle) return;
    if (follow) await this.api.call('follow.add', { params: { handle }, body: {} });
    else await this.api.call('follow.remove', { params: { handle } });
    if (this.#state.viewer) this.#set({ viewer: { ...this.#state.viewer, following: follow } });
  }

  /** The mailed "stop reminding me" link (works signed out). */
  async stopByLink(token: string): Promise<string> {
    const { title } = await this.api.call('reminder.stopByLink', { body: { token } });
    if (this.#state.viewer) this.#set({ viewer: { ...this.#state.viewer, reminded: false } });
    return title;
  }

  close(): void {
    this.#closed = true;
    this.#signaling?.close();
  }
}
