// The studio's schedule: the host's upcoming Spaces on the SFU service it is signed in to, and the
// actions on them (schedule, edit or reschedule, cancel), plus the directory's lists. A plain class
// with typed events over the typed HTTP client; the components only render it. (When the studio's
// StudioSession lands, it holds one of these.)
import { ApiClient } from '../../../shared/http/client';
import type { Directory, HostScheduledSpace, ScheduleChange, ScheduleInput } from '../../../shared/schedule';
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { SfuEndpoint } from '../../../shared/studio-api';

export interface ScheduleBoardState {
  spaces: HostScheduledSpace[];
  limits: { maxDaysAhead: number; maxPerHost: number; reminderLeadMs: number; missedAfterMs: number } | undefined;
  directory: Directory | undefined;
  /** The server's clock when the lists were read (countdowns follow it). */
  serverTime: number | undefined;
  error: string | undefined;
}

export type ScheduleBoardEvents = { changed: [state: ScheduleBoardState] };

export class ScheduleBoard extends TypedEmitter<ScheduleBoardEvents> {
  readonly api: ApiClient;
  /** Where the SFU's pages are (share links, the Space page). */
  readonly httpUrl: string;
  #state: ScheduleBoardState = { spaces: [], limits: undefined, directory: undefined, serverTime: undefined, error: undefined };

  constructor(endpoint: SfuEndpoint, api?: ApiClient) {
    super();
    this.httpUrl = endpoint.httpUrl;
    this.api = api ?? new ApiClient({ baseUrl: endpoint.httpUrl, ...(endpoint.sessionToken ? { token: endpoint.sessionToken } : {}) });
  }

  get state(): ScheduleBoardState {
    return this.#state;
  }

  #set(patch: Partial<ScheduleBoardState>): void {
    this.#state = { ...this.#state, ...patch };
    this.safeEmit('changed', this.#state);
  }

  async load(): Promise<void> {
    try {
      const [mine, directory] = await Promise.all([this.api.call('schedule.mine'), this.api.call('directory.get')]);
      this.#set({ spaces: mine.spaces, limits: mine.limits, serverTime: mine.serverTime, directory, error: undefined });
    } catch (error) {
      this.#set({ error: (error as Error).message });
    }
  }

  async schedule(input: ScheduleInput): Promise<HostScheduledSpace> {
    const space = await this.api.call('schedule.create', { body: input });
    await this.load();
    return space;
  }

  async update(spaceId: string, change: ScheduleChange): Promise<HostScheduledSpace> {
    const space = await this.api.call('schedule.update', { params: { spaceId }, body: change });
    await this.load();
    return space;
  }

  async cancel(spaceId: string): Promise<void> {
    await this.api.call('schedule.cancel', { params: { spaceId } });
    await this.load();
  }

  shareLink(space: HostScheduledSpace): string {
    return `${this.httpUrl}${space.sharePath}`;
  }
}
