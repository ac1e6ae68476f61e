// The studio's session: everything a host does between opening the studio and the end of the show, as
// a plain class with typed events. It owns the console engine's lifecycle (made from the saved settings,
// started on the saved microphone, closed at the end), the choice of devices, the host's identity, going
// live (the room client, the Stage, the share link), every host action on the Stage, the queue and the
// audience, the recorder's lifetime, the run of show and the keyboard shortcuts. React components render `state` and call
// these methods; nothing here touches the DOM except through the ports it is given.
import { BUILT_IN_PRESETS, SHORTCUT_ACTIONS, type ConsoleSettings, type Shortcuts, type UserPreset } from '../../shared/console-settings';
import type { RequestPolicy } from '../../shared/roles';
import type { Segment } from '../../shared/run-of-show';
import type { Settings } from '../../shared/settings';
import type { SpaceSnapshot, StageMember } from '../../shared/space';
import type { StudioApi } from '../../shared/studio-api';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { attempt, messageOf } from '../attempt';
import type { ConsoleEngineEvents } from '../audio/engine/ConsoleEngine';
import type { AudioDevice, DeviceLists } from '../audio/engine/devices';
import { CaptionFeed } from '../room/CaptionFeed';
import type { RoomClient } from '../room/RoomClient';
import { RequestError } from '../room/SignalingClient';
import type { AudienceAction } from '../ui/AudiencePanel';
import type { QueueAction } from '../ui/QueuePanel';
import type { StageAction } from '../ui/StageList';
import { stageNotice } from '../ui/stageNotice';
import { HostIdentity, type TokenStore } from './HostIdentity';
import { StudioReplay } from './replay/StudioReplay';
import { RunOfShow, SYSTEM_CLOCK, type RunOfShowState, type ShowClock } from './RunOfShow';
import { SHORTCUT_LABELS } from './shortcuts/combos';
import { ShortcutRouter, type KeySource } from './shortcuts/ShortcutRouter';

/** What the session needs of the console engine (the real one is ConsoleEngine). */
export interface StudioEngine {
  readonly devices: {
    readonly lists: DeviceLists;
    find(kind: 'inputs' | 'outputs', choice: { deviceId: string; label: string } | null | undefined): AudioDevice | undefined;
  };
  readonly microphone: { readonly device: AudioDevice | undefined; readonly stream: MediaStream | undefined };
  /** What leaves the chain: the track the Stage receives. */
  readonly processedTrack: MediaStreamTrack;
  /** The console's settings as they apply now. */
  readonly settings: ConsoleSettings;
  readonly outputDeviceId: string;
  readonly remotes: { add(memberId: string, displayName: string, track: MediaStreamTrack): void; remove(memberId: string): void };
  start(device: AudioDevice | undefined): Promise<void>;
  setInput(device: AudioDevice | undefined): Promise<void>;
  setOutput(device: AudioDevice | undefined): Promise<void>;
  setPushToTalkHeld(held: boolean): void;
  /** Whether someone else on the Stage talks: the soundboard's beds dip for them as for the host. */
  setSpeakersTalking(talking: boolean): void;
  configure(next: ConsoleSettings): Promise<void>;
  setListeningOn(where: ConsoleSettings['listeningOn']): Promise<void>;
  close(): Promise<void>;
  on<K extends keyof ConsoleEngineEvents>(event: K, listener: (...args: ConsoleEngineEvents[K]) => void): () => void;
}

/** What the session needs of the show's recorder (the real one is Recorder, which follows the room itself). */
export interface StudioRecorder {
  /** A marker on the timeline now (`label`: a segment's title, for chapters); false when not recording. */
  addMarker(label?: string): boolean;
  stop(): Promise<unknown>;
}

/** Questions only the host can answer; window.confirm and window.prompt in the studio. */
export interface Dialogs {
  confirm(message: string): boolean;
  /** Answers what the host typed (starting from `initial`), or null when they cancelled. */
  prompt(message: string, initial?: string): string | null;
}

export interface StudioSessionPorts<E extends StudioEngine, R extends StudioRecorder> {
  studio: StudioApi;
  createEngine(settings: ConsoleSettings): E;
  /** `sessionToken` signs the connection in as the studio's account (the embedded SFU's local owner). */
  createRoom(options: { wsUrl: string; userToken?: string; sessionToken?: string }): RoomClient;
  /** `captions`: the Space's captions, whose final lines the recorder saves beside the tracks. */
  createRecorder(engine: E, room: RoomClient, hostName: string, captions: CaptionFeed): R;
  /** Keeps the user token between runs. */
  tokens: TokenStore;
  /** Where keyboard shortcuts come from. */
  keys: KeySource;
  dialogs: Dialogs;
  /** The run of show's clock (tests pass their own). */
  clock?: ShowClock;
}

export type StudioPhase = 'loading' | 'setup' | 'starting' | 'live' | 'ended';

export interface LiveSpace {
  spaceId: string;
  /** What listeners open: the Space page (`/s/<id>`), the same link before a scheduled Space starts and while it is live. */
  shareLink: string;
  /** The SFU service's base URL (speaker invite links are built on it). */
  httpUrl: string;
}

/** Everything the studio's screens render. A new object on every change. */
export interface StudioState {
  phase: StudioPhase;
  /** Settings as loaded (the console keeps its own live copy). */
  settings: Settings | undefined;
  /** As typed in the set-up screen. */
  hostName: string;
  title: string;
  /** Caption the Space live (chosen before going live; the host can switch it while live in the captions card). */
  captions: boolean;
  /** Going live unscheduled: listed in the directory (public), or link only (unlisted). */
  listed: boolean;
  /** Record the Space on the server for a replay from the start (saved; the host can switch it while live). */
  replayAtStart: boolean;
  /** The microphones connected and the one in use ('' is the system default): one source for every picker. */
  microphones: AudioDevice[];
  microphoneId: string;
  outputs: AudioDevice[];
  outputId: string;
  /** The host's own chain presets (the built-in ones are BUILT_IN_PRESETS). */
  presets: UserPreset[];
  live: LiveSpace | undefined;
  /** The Space as the host sees it, once live. */
  snapshot: SpaceSnapshot | undefined;
  /** Markers the host added, in seconds into the show (before going live: since the first). */
  markers: number[];
  /** The run of show: the segments, the one running, its time left and the show's planned end. */
  show: RunOfShowState;
  /** The push-to-talk key is down. */
  pushToTalkHeld: boolean;
  /** The last refusal or failure, shown until the next action. */
  error: string | undefined;
  /** Something the host should know (a device went away, the space ended). */
  notice: string | undefined;
  /** Set while the connection is being re-established. */
  reconnecting: string | undefined;
}

export type StudioSessionEvents<E, R> = {
  state: [state: StudioState];
  /** The console engine exists (made once the settings are loaded). */
  engine: [engine: E];
  /** The recorder for the live show (stopped, and kept, when the show is over). */
  recorder: [recorder: R];
};

/** Whether the set-up screen may go live now. */
export function canGoLive(state: StudioState): boolean {
  return canStartScheduled(state) && state.title.trim().length > 0;
}

/** Whether a scheduled Space may be started now (its title comes with it). */
export function canStartScheduled(state: StudioState): boolean {
  return state.phase === 'setup' && state.hostName.trim().length > 0 && state.microphones.length > 0;
}

/** What Start now needs of a scheduled Space (the studio's schedule list has it). */
export interface ScheduledStart {
  spaceId: string;
  title: string;
}

const SHORTCUT_IDS = new Set<string>(SHORTCUT_ACTIONS);

export class StudioSession<E extends StudioEngine = StudioEngine, R extends StudioRecorder = StudioRecorder> extends TypedEmitter<
  StudioSessionEvents<E, R>
> {
  /** The one keyboard shortcut router; features register their bindings on it. */
  readonly shortcuts: ShortcutRouter;
  readonly identity: HostIdentity;
  readonly runOfShow: RunOfShow;
  readonly #ports: StudioSessionPorts<E, R>;
  #state: StudioState = {
    phase: 'loading',
    settings: undefined,
    hostName: '',
    title: '',
    captions: true,
    listed: true,
    replayAtStart: false,
    microphones: [],
    microphoneId: '',
    outputs: [],
    outputId: '',
    presets: [],
    live: undefined,
    snapshot: undefined,
    markers: [],
    show: new RunOfShow().state,
    pushToTalkHeld: false,
    error: undefined,
    notice: undefined,
    reconnecting: undefined,
  };
  #engine: E | undefined;
  #room: RoomClient | undefined;
  #recorder: R | undefined;
  /** The Space's live captions as the host sees them, once live. */
  #captions: CaptionFeed | undefined;
  /** The server's replay of this Space: the host's controls while live and after the end. */
  #replay: StudioReplay | undefined;
  /** Server clock minus ours, from the last snapshot (marker times are on the show's clock). */
  #serverOffsetMs = 0;
  /** When the first marker before going live was added (those count from it). */
  #firstMarkerAt = 0;
  #closed = false;

  constructor(ports: StudioSessionPorts<E, R>) {
    super();
    this.#ports = ports;
    this.identity = new HostIdentity(ports.tokens);
    this.shortcuts = new ShortcutRouter(ports.keys, {});
    this.shortcuts.on('rebound', (combos) => void this.#saveShortcuts(combos));
    this.runOfShow = new RunOfShow(ports.clock ?? SYSTEM_CLOCK);
    this.runOfShow.on('state', (show) => this.#update({ show }));
    // Each segment's start is a marker on the recording, titled, so exports can make chapters of them.
    this.runOfShow.on('segmentstarted', (segment, index) => this.addMarker(`${index + 1}. ${segment.title}`));
    this.#registerShortcuts();
  }

  get state(): StudioState {
    return this.#state;
  }
  get engine(): E | undefined {
    return this.#engine;
  }
  get room(): RoomClient | undefined {
    return this.#room;
  }
  get recorder(): R | undefined {
    return this.#recorder;
  }
  get captions(): CaptionFeed | undefined {
    return this.#captions;
  }
  get replay(): StudioReplay | undefined {
    return this.#replay;
  }

  // ---- the console engine's lifecycle and devices -----------------------------------------------

  /** Loads the settings, then makes and starts the console on the saved devices (found by name if their ids changed). */
  async open(): Promise<void> {
    const settings = await this.#ports.studio.getSettings();
    if (this.#closed) return;
    this.shortcuts.setCombos(settings.shortcuts);
    // What the host typed while the settings loaded wins over what was saved.
    const hostName = this.#state.hostName || settings.hostName;
    this.identity.name = hostName;
    this.#update({
      phase: 'setup',
      settings,
      hostName,
      title: this.#state.title || settings.lastSpaceTitle,
      presets: settings.consolePresets,
      replayAtStart: settings.replay.recordByDefault,
    });
    this.runOfShow.setSegments(settings.runOfShow);
    const engine = this.#ports.createEngine(settings.console);
    this.#engine = engine;
    engine.on('notice', (notice) => this.#update({ notice }));
    engine.on('devices', (lists) => this.#update({ microphones: lists.inputs, outputs: lists.outputs, outputId: engine.outputDeviceId }));
    engine.on('input', (device) => this.#update({ microphoneId: device?.deviceId ?? '' }));
    this.safeEmit('engine', engine);
    try {
      // Labels are only visible after the first grant, so open the default first, then find the saved one.
      await engine.start(undefined);
      const saved = engine.devices.find('inputs', settings.inputDevice);
      if (settings.inputDevice && !saved) {
        this.#update({ notice: `“${settings.inputDevice.label}” is not connected; using the system default microphone.` });
      }
      if (saved) await engine.setInput(saved);
      const output = engine.devices.find('outputs', settings.outputDevice);
      if (output) await engine.setOutput(output);
      this.#update({ outputId: engine.outputDeviceId });
    } catch (e) {
      this.#update({ error: `The microphone could not be opened: ${messageOf(e)}` });
    }
  }

  setHostName(hostName: string): void {
    this.identity.name = hostName;
    this.#update({ hostName });
  }

  setTitle(title: string): void {
    this.#update({ title });
  }

  /** Whether the Space will be captioned live (before going live). */
  setCaptions(captions: boolean): void {
    this.#update({ captions });
  }

  /** Whether the Space goes in the directory (before going live; a scheduled Space keeps its own choice). */
  setListed(listed: boolean): void {
    this.#update({ listed });
  }

  /** Whether a new Space is recorded for a replay from the start; remembered for the next show. */
  setReplayAtStart(replayAtStart: boolean): Promise<boolean> {
    this.#update({ replayAtStart });
    return this.#act(async () => {
      const replay = { ...(this.#state.settings?.replay ?? { liveClips: false }), recordByDefault: replayAtStart };
      await this.#ports.studio.updateSettings({ replay });
    });
  }

  /** Shows a failure that happened outside the session's own actions (a panel's request). */
  reportError(error: string | undefined): void {
    this.#update({ error });
  }

  /** Uses a microphone ('' is the system default) and remembers it. The Stage keeps the same processed track. */
  chooseMicrophone(deviceId: string): Promise<boolean> {
    return this.#act(async () => {
      const engine = this.#requireEngine();
      const device = engine.devices.lists.inputs.find((d) => d.deviceId === deviceId);
      if (deviceId && !device) throw new Error('that microphone is not connected any more');
      await engine.setInput(device);
      await this.#ports.studio.updateSettings({ inputDevice: device ? { deviceId: device.deviceId, label: device.label } : null });
    });
  }

  /** Where the host hears the Space ('' is the system default), remembered. */
  chooseOutput(deviceId: string): Promise<boolean> {
    return this.#act(async () => {
      const engine = this.#requireEngine();
      const device = engine.devices.lists.outputs.find((d) => d.deviceId === deviceId);
      await engine.setOutput(device);
      this.#update({ outputId: engine.outputDeviceId });
      await this.#ports.studio.updateSettings({ outputDevice: device ? { deviceId: device.deviceId, label: device.label } : null });
    });
  }

  // ---- the console's settings and presets -------------------------------------------------------

  /** Applies console settings (chain, browser processing, gate, monitor, …) and remembers them. */
  configureConsole(next: ConsoleSettings): Promise<boolean> {
    return this.#act(async () => {
      await this.#requireEngine().configure(next);
      await this.#ports.studio.updateSettings({ console: next });
    });
  }

  /** Headphones or speakers: the engine picks the matching browser processing; remembered. */
  setListeningOn(where: ConsoleSettings['listeningOn']): Promise<boolean> {
    return this.#act(async () => {
      const engine = this.#requireEngine();
      await engine.setListeningOn(where);
      await this.#ports.studio.updateSettings({ console: engine.settings });
    });
  }

  /** Loads a built-in preset's chain, or one of the host's. */
  choosePreset(name: string): Promise<boolean> {
    const preset = [...BUILT_IN_PRESETS, ...this.#state.presets].find((p) => p.name === name);
    if (!preset) return Promise.resolve(false);
    const current = this.#requireEngine().settings;
    return this.configureConsole({ ...current, chain: structuredClone(preset.chain), presetName: preset.name });
  }

  /** Saves the chain as one of the host's presets, under a name they give (not a built-in one). */
  savePreset(): Promise<boolean> {
    return this.#act(async () => {
      const current = this.#requireEngine().settings;
      const suggested = current.presetName.startsWith('My ') ? current.presetName : 'My voice';
      const name = this.#ports.dialogs.prompt('Name this preset', suggested)?.trim();
      if (!name) return;
      if (BUILT_IN_PRESETS.some((p) => p.name === name)) throw new Error(`“${name}” is a built-in preset; choose another name`);
      const presets = [...this.#state.presets.filter((p) => p.name !== name), { name, chain: current.chain }];
      await this.#ports.studio.updateSettings({ consolePresets: presets });
      this.#update({ presets });
      await this.#requireEngine().configure({ ...current, presetName: name });
      await this.#ports.studio.updateSettings({ console: this.#requireEngine().settings });
    });
  }

  // ---- going live -------------------------------------------------------------------------------

  /** Creates the Space on the SFU, joins it as host and sends the console's processed voice to the Stage. */
  async goLive(): Promise<void> {
    if (!canGoLive(this.#state)) return;
    const title = this.#state.title.trim();
    const { captions, listed, replayAtStart, settings } = this.#state;
    await this.#goLive({ lastSpaceTitle: title }, (room, hostName, studioKey) =>
      room.createSpace(title, hostName, studioKey, undefined, captions, {
        visibility: listed ? 'public' : 'unlisted',
        replay: replayAtStart,
        liveClips: settings?.replay.liveClips ?? false,
      }),
    );
  }

  /**
   * Start now: goes live in a scheduled Space, under its id and with everything it was set up with
   * (title, description, listing, co-hosts); its subscribers and followers are told by the server.
   */
  async startScheduled(space: ScheduledStart): Promise<void> {
    if (!canStartScheduled(this.#state)) return;
    const { captions } = this.#state;
    this.#update({ title: space.title });
    await this.#goLive({}, (room, hostName, studioKey) => room.startScheduled(space.spaceId, hostName, studioKey, captions));
  }

  async #goLive(
    remember: { lastSpaceTitle?: string },
    create: (room: RoomClient, hostName: string, studioKey: string | undefined) => Promise<{ spaceId: string; hostToken: string }>,
  ): Promise<void> {
    const hostName = this.identity.name;
    this.#update({ phase: 'starting', error: undefined });
    let room: RoomClient | undefined;
    let offProfile: (() => void) | undefined;
    try {
      const engine = this.#requireEngine();
      // What leaves the console's chain is what the Stage receives.
      if (!engine.microphone.stream) throw new Error('no microphone is open');
      const track = engine.processedTrack;
      const { studio } = this.#ports;
      await studio.updateSettings({ hostName, ...remember });
      const endpoint = await studio.getSfuEndpoint();
      room = this.#ports.createRoom({ wsUrl: endpoint.wsUrl, sessionToken: endpoint.sessionToken, userToken: this.identity.userToken });
      this.#listenTo(room, engine);
      await room.connect();
      // Made before joining, so it hears the captions state the server sends on join.
      const captions = new CaptionFeed(room);
      const { studioKey } = this.identity.credentials(endpoint);
      const created = await create(room, hostName, studioKey);
      await room.join(created.hostToken);
      this.identity.remember(room.userToken);
      // Music mode and low latency change how Opus is sent; switching either while live makes a new producer.
      const profile = (s: ConsoleSettings) => ({ music: s.musicMode, lowLatency: s.lowLatency });
      await room.setSendProfile(profile(engine.settings));
      offProfile = engine.on('settings', (next) => void room?.setSendProfile(profile(next)));
      await room.startSending(track);
      this.#room = room;
      this.#captions = captions;
      this.#replay = new StudioReplay({ room, spaceId: created.spaceId, httpUrl: endpoint.httpUrl, hostToken: created.hostToken });
      this.#recorder = this.#ports.createRecorder(engine, room, hostName, captions);
      this.safeEmit('recorder', this.#recorder);
      // The Space page: it admits listeners itself (and turns into the listener page once live).
      const shareLink = `${endpoint.httpUrl}/s/${created.spaceId}`;
      this.#update({ phase: 'live', live: { spaceId: created.spaceId, shareLink, httpUrl: endpoint.httpUrl }, markers: [] });
    } catch (e) {
      offProfile?.();
      room?.close();
      this.#update({ phase: 'setup', error: messageOf(e), snapshot: undefined });
    }
  }

  // ---- host actions -----------------------------------------------------------------------------

  /** Mutes or unmutes the host on the Stage (the server pauses their audio for everyone). */
  toggleMute(): Promise<boolean> {
    return this.#act(() => {
      const room = this.#requireRoom();
      return room.setMuted(!(room.snapshot?.you.muted ?? false));
    });
  }

  /** Mutes everyone on stage the host may act on. */
  muteAll(): Promise<boolean> {
    return this.#act(() => this.#requireRoom().request('stage.muteAll', {}));
  }

  /**
   * Brings the first raised hand on stage. The server decides who that is from the queue as it stands
   * when the request arrives (a co-host's reorder a moment ago counts) and answers who came on stage.
   */
  approveNext(): Promise<boolean> {
    return this.#act(async () => {
      const room = this.#requireRoom();
      try {
        const { displayName } = await room.approveNext();
        this.#update({ notice: `${displayName} is on stage.` });
      } catch (e) {
        // Nobody waiting is not a failure, just nothing to do.
        if (!(e instanceof RequestError && e.code === 'conflict')) throw e;
        this.#update({ notice: `Nobody to approve: ${e.message}.` });
      }
    });
  }

  queueAction(action: QueueAction, memberId: string): Promise<boolean> {
    return this.#act(() => {
      const room = this.#requireRoom();
      if (action === 'approve') return room.request('queue.approve', { memberId });
      if (action === 'decline') return room.request('queue.decline', { memberId });
      return room.request('queue.move', { memberId, direction: action });
    });
  }

  /** An action on someone on stage; the irreversible ones are confirmed with the host first. */
  stageAction(action: StageAction, member: StageMember): Promise<boolean> {
    const { dialogs } = this.#ports;
    const { memberId, displayName } = member;
    return this.#act(async () => {
      const room = this.#requireRoom();
      switch (action) {
        case 'mute':
          return room.request('member.mute', { memberId });
        case 'toAudience':
          return room.request('stage.remove', { memberId });
        case 'promote':
          return room.request('cohost.promote', { memberId });
        case 'demote':
          return room.request('cohost.demote', { memberId });
        case 'makeHost':
          if (!dialogs.confirm(`Hand the host role to ${displayName}? You become a co-host.`)) return;
          return room.request('host.transfer', { memberId });
        case 'remove':
          if (!dialogs.confirm(`Remove ${displayName} from this space? They cannot come back.`)) return;
          return room.request('member.remove', { memberId });
        case 'block':
          if (!dialogs.confirm(`Block ${displayName}? They leave now and cannot join spaces you host.`)) return;
          return room.request('member.block', { memberId });
        case 'report': {
          const reason = dialogs.prompt(`Report ${displayName}: what happened?`)?.trim();
          if (reason) return room.request('member.report', { memberId, reason });
          return;
        }
      }
    });
  }

  /** Invites a listener on stage (as a speaker or, for the host, a co-host) or removes them. */
  audienceAction(action: AudienceAction, memberId: string): Promise<boolean> {
    return this.#act(() => {
      const room = this.#requireRoom();
      if (action === 'remove') return room.request('member.remove', { memberId });
      return room.request('stage.invite', { memberId, as: action === 'invite-cohost' ? 'cohost' : 'speaker' });
    });
  }

  setRequestPolicy(requestPolicy: RequestPolicy): Promise<boolean> {
    return this.#act(() => this.#requireRoom().request('space.settings', { requestPolicy }));
  }

  /** A link that lets its holder raise a hand even when only invited people may. */
  async speakerInviteLink(): Promise<string | undefined> {
    let link: string | undefined;
    await this.#act(async () => {
      const room = this.#requireRoom();
      const { invite, listenPath } = await room.request('space.invite', { canRequest: true });
      link = `${this.#state.live!.httpUrl}${listenPath}#invite=${encodeURIComponent(invite)}`;
    });
    return link;
  }

  /** Ends the Space for everyone, once the host confirms. */
  endSpace(): Promise<boolean> {
    return this.#act(async () => {
      const room = this.#requireRoom();
      if (!this.#ports.dialogs.confirm('End this space for everyone?')) return;
      await room.endSpace();
    });
  }

  /** Replaces the run of show's segments (before or during the show) and saves them; a bad one is refused with the reason. */
  editRunOfShow(segments: Segment[]): Promise<boolean> {
    return this.#act(async () => {
      this.runOfShow.setSegments(segments);
      await this.#ports.studio.updateSettings({ runOfShow: this.runOfShow.state.segments });
    });
  }

  /** Starts the next segment of the run of show (the first, the first time); live only. */
  nextSegment(): Promise<boolean> {
    return this.#act(async () => {
      this.#requireRoom();
      if (!this.runOfShow.next()) throw new Error(this.runOfShow.state.segments.length ? 'that was the last segment' : 'the run of show has no segments yet');
    });
  }

  /** A marker now: on the recording's timeline if recording, and in the console's list either way. */
  addMarker(label?: string): void {
    this.#recorder?.addMarker(label);
    const { snapshot, markers } = this.#state;
    const now = Date.now();
    const at = snapshot ? (now + this.#serverOffsetMs - snapshot.startedAt) / 1000 : markers.length ? (now - this.#firstMarkerAt) / 1000 : 0;
    if (!markers.length) this.#firstMarkerAt = now;
    this.#update({ markers: [...markers, Math.max(0, at)] });
  }

  /** Everything ends: the recording is saved, the room left, the console closed, the shortcuts unbound. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#recorder?.stop().catch(() => undefined);
    this.#room?.close();
    this.#replay?.close();
    this.runOfShow.close();
    this.shortcuts.close();
    await this.#engine?.close();
  }

  // ---- internals --------------------------------------------------------------------------------

  #listenTo(room: RoomClient, engine: E): void {
    const speakerOf = new Map<string, string>();
    room.on('state', (snapshot) => {
      this.#serverOffsetMs = snapshot.serverTime - Date.now();
      this.#update({ snapshot });
    });
    // What others did on the Stage, as the server announced it (the host's own actions answer for themselves).
    room.on('stage', (change) => {
      const notice = change.by === room.memberId ? undefined : stageNotice(change, room.memberId);
      if (notice) this.#update({ notice });
    });
    room.on('trackadded', (remote) => {
      speakerOf.set(remote.consumerId, remote.memberId);
      engine.remotes.add(remote.memberId, remote.displayName, remote.track);
    });
    room.on('trackremoved', ({ consumerId }) => engine.remotes.remove(speakerOf.get(consumerId) ?? ''));
    room.on('speaking', (memberIds) => engine.setSpeakersTalking(memberIds.some((id) => id !== room.memberId)));
    room.on('ended', (reason) => {
      this.runOfShow.finish();
      void this.#recorder?.stop().catch(() => undefined);
      // Follows the replay's publication for the ended screen's replay card.
      this.#replay?.follow();
      this.#update({ phase: 'ended', notice: `The space ended: ${reason}.`, reconnecting: undefined });
    });
    room.on('reconnecting', ({ attempt, reason }) => this.#update({ reconnecting: `Connection lost (${reason}); reconnecting, attempt ${attempt}…` }));
    room.on('reconnected', () => this.#update({ reconnecting: undefined }));
    room.on('disconnected', (reason) => this.#update({ reconnecting: undefined, error: `Lost the connection to the SFU: ${reason}` }));
  }

  #registerShortcuts(): void {
    const live = (run: () => unknown) => () => {
      if (this.#state.phase === 'live') void run();
    };
    const bindings = {
      muteSelf: { press: live(() => this.toggleMute()) },
      pushToTalk: {
        press: () => this.#pushToTalk(true),
        release: () => this.#pushToTalk(false),
      },
      addMarker: { press: () => this.addMarker() },
      approveNextRequest: { press: live(() => this.approveNext()) },
      muteAll: { press: live(() => this.muteAll()) },
      nextSegment: { press: live(() => this.nextSegment()) },
    } satisfies Record<(typeof SHORTCUT_ACTIONS)[number], { press(): void; release?(): void }>;
    for (const id of SHORTCUT_ACTIONS) this.shortcuts.register({ id, label: SHORTCUT_LABELS[id], ...bindings[id] });
  }

  #pushToTalk(held: boolean): void {
    this.#engine?.setPushToTalkHeld(held);
    this.#update({ pushToTalkHeld: held });
  }

  async #saveShortcuts(combos: Record<string, string | null>): Promise<void> {
    const shortcuts = Object.fromEntries(Object.entries(combos).filter(([id]) => SHORTCUT_IDS.has(id))) as Shortcuts;
    await attempt(() => this.#ports.studio.updateSettings({ shortcuts }), (error) => error && this.#update({ error }));
  }

  #requireEngine(): E {
    if (!this.#engine) throw new Error('the console is not ready yet');
    return this.#engine;
  }

  #requireRoom(): RoomClient {
    if (!this.#room || this.#state.phase !== 'live') throw new Error('go live first');
    return this.#room;
  }

  /** Runs a host action; a refusal from the server is shown, never swallowed. */
  #act(run: () => Promise<unknown>): Promise<boolean> {
    return attempt(run, (error) => this.#update({ error }));
  }

  #update(patch: Partial<StudioState>): void {
    if (this.#closed) return;
    this.#state = { ...this.#state, ...patch };
    this.safeEmit('state', this.#state);
  }
}
