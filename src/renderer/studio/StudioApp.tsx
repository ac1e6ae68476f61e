// The studio: set up (name, title, microphone), go live, share the link, watch the Stage and listeners.
// Rendering only: the RoomClient, the microphone and the meter are plain objects this component holds.
import { useEffect, useState } from 'react';
import { can } from '../../shared/protocol';
import { CaptionFeed } from '../room/CaptionFeed';
import { CaptionsPanel } from '../ui/CaptionsPanel';
import type { Settings } from '../../shared/settings';
import type { SpaceSnapshot } from '../../shared/space';
import { studioApi } from '../bridge/studio';
import { ConsoleEngine } from '../audio/engine/ConsoleEngine';
import type { AudioDevice } from '../audio/engine/devices';
import { RoomClient } from '../room/RoomClient';
import { RequestError } from '../room/SignalingClient';
import { AudiencePanel } from '../ui/AudiencePanel';
import { QueuePanel, type QueueAction } from '../ui/QueuePanel';
import { ReactionFeed } from '../ui/Reactions';
import { ListenerCount, StageList, type StageAction } from '../ui/StageList';
import { stageNotice } from '../ui/stageNotice';
import { useServerNow, useSpeaking } from '../ui/useRoom';
import type { StageMember } from '../../shared/space';
import { ConsoleMeter } from './console/ConsoleMeter';
import { ConsolePanel } from './console/ConsolePanel';
import { RecordingLibrary } from './recording/RecordingLibrary';
import { RecordingPanel } from './recording/RecordingPanel';
import { ReplayLivePanel, ReplayManager } from './replay/ReplayPanels';
import { StudioReplay } from './replay/StudioReplay';

type Phase = 'setup' | 'starting' | 'live' | 'ended';

interface LiveSession {
  room: RoomClient;
  shareLink: string;
  spaceId: string;
  httpUrl: string;
  /** The server's replay of this Space: the host's controls live and after the end. */
  replay: StudioReplay;
}

declare global {
  interface Window {
    /** The production console, for people and tests checking what it measured. */
    hostlineConsole?: ConsoleEngine;
  }
}

function useElapsed(since: number | undefined): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (!since) return '0:00';
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function StudioApp() {
  const studio = studioApi();
  const [settings, setSettings] = useState<Settings>();
  const [inputs, setInputs] = useState<AudioDevice[]>([]);
  const [deviceId, setDeviceId] = useState<string>('');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [phase, setPhase] = useState<Phase>('setup');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [session, setSession] = useState<LiveSession>();
  const [snapshot, setSnapshot] = useState<SpaceSnapshot>();
  const [copied, setCopied] = useState<string>();
  const [reconnecting, setReconnecting] = useState<string>();
  const [captionsOn, setCaptionsOn] = useState(true);
  const [captions, setCaptions] = useState<CaptionFeed>();
  const serverNow = useServerNow(snapshot);
  const speaking = useSpeaking(session?.room);
  const [engine, setEngine] = useState<ConsoleEngine>();
  const elapsed = useElapsed(phase === 'live' ? snapshot?.startedAt : undefined);

  // Load settings once, then start the console on the saved devices (found by name if their ids changed).
  useEffect(() => {
    void studio.getSettings().then((loaded) => {
      setSettings(loaded);
      setName(loaded.hostName);
      setTitle(loaded.lastSpaceTitle);
    });
  }, [studio]);

  useEffect(() => {
    if (!settings) return;
    const consoleEngine = new ConsoleEngine(settings.console);
    window.hostlineConsole = consoleEngine;
    consoleEngine.on('notice', setNotice);
    consoleEngine.on('devices', (lists) => setInputs(lists.inputs));
    consoleEngine.on('input', (device) => setDeviceId(device?.deviceId ?? ''));
    setEngine(consoleEngine);
    void (async () => {
      try {
        // Labels are only visible after the first grant, so open the default first, then find the saved one.
        await consoleEngine.start(undefined);
        const saved = consoleEngine.devices.find('inputs', settings.inputDevice);
        if (settings.inputDevice && !saved) {
          setNotice(`“${settings.inputDevice.label}” is not connected; using the system default microphone.`);
        }
        if (saved) await consoleEngine.setInput(saved);
        const output = consoleEngine.devices.find('outputs', settings.outputDevice);
        if (output) await consoleEngine.setOutput(output);
      } catch (e) {
        setError(`The microphone could not be opened: ${(e as Error).message}`);
      }
    })();
    return () => void consoleEngine.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on first load of settings; later changes come from the console itself
  }, [settings === undefined]);

  async function chooseInput(id: string) {
    setDeviceId(id);
    const device = inputs.find((d) => d.deviceId === id);
    // The Stage gets the console's processed track, which stays the same across microphones.
    await engine?.setInput(device);
    if (device) void studio.updateSettings({ inputDevice: { deviceId: device.deviceId, label: device.label } });
  }

  async function goLive() {
    setError(undefined);
    setPhase('starting');
    try {
      // What leaves the console's chain is what the Stage receives.
      const track = engine?.processedTrack;
      if (!track || !engine?.microphone.stream) throw new Error('no microphone is open');
      await studio.updateSettings({ hostName: name.trim(), lastSpaceTitle: title.trim() });
      const endpoint = await studio.getSfuEndpoint();
      const room = new RoomClient({ wsUrl: endpoint.wsUrl, clientName: 'studio', userToken: localStorage.getItem('hostline.userToken') ?? undefined });
      room.on('state', setSnapshot);
      // What others did on the Stage, as the server announced it (the host's own actions answer for themselves).
      room.on('stage', (change) => {
        const text = change.by === room.memberId ? undefined : stageNotice(change, room.memberId);
        if (text) setNotice(text);
      });
      const speakerOf = new Map<string, string>();
      room.on('trackadded', (remote) => {
        speakerOf.set(remote.consumerId, remote.memberId);
        engine.remotes.add(remote.memberId, remote.displayName, remote.track);
      });
      room.on('trackremoved', ({ consumerId }) => engine.remotes.remove(speakerOf.get(consumerId) ?? ''));
      room.on('ended', (reason) => {
        setNotice(`The space ended: ${reason}.`);
        setPhase('ended');
      });
      room.on('reconnecting', ({ attempt, reason }) => setReconnecting(`Connection lost (${reason}); reconnecting, attempt ${attempt}…`));
      room.on('reconnected', () => setReconnecting(undefined));
      room.on('disconnected', (reason) => {
        setReconnecting(undefined);
        setError(`Lost the connection to the SFU: ${reason}`);
      });
      await room.connect();
      const feed = new CaptionFeed(room);
      setCaptions(feed);
      const replaySettings = settings?.replay ?? { recordByDefault: false, liveClips: false };
      const created = await room.createSpace(title.trim(), name.trim(), endpoint.studioKey, undefined, captionsOn, {
        replay: replaySettings.recordByDefault,
        liveClips: replaySettings.liveClips,
      });
      await room.join(created.hostToken);
      if (room.userToken) localStorage.setItem('hostline.userToken', room.userToken);
      await room.startSending(track);
      const shareLink = `${endpoint.httpUrl}${created.listenPath}#invite=${encodeURIComponent(created.listenerInvite)}`;
      const replay = new StudioReplay({ room, spaceId: created.spaceId, httpUrl: endpoint.httpUrl, hostToken: created.hostToken });
      setSession({ room, shareLink, spaceId: created.spaceId, httpUrl: endpoint.httpUrl, replay });
      setPhase('live');
    } catch (e) {
      setError((e as Error).message);
      setPhase('setup');
    }
  }

  const muted = snapshot?.you.muted ?? false;
  async function toggleMute() {
    if (!session) return;
    await act(() => session.room.setMuted(!muted));
  }

  async function endSpace() {
    if (!session || !window.confirm('End this space for everyone?')) return;
    await session.room.endSpace();
  }

  async function copy(text: string, what: string) {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(what);
    setTimeout(() => setCopied(undefined), 1500);
  }

  /** Runs a host action; a refusal from the server is shown, never swallowed. */
  async function act(run: () => Promise<unknown>) {
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  function onStageAction(action: StageAction, member: StageMember) {
    if (!session) return;
    const { room } = session;
    const memberId = member.memberId;
    switch (action) {
      case 'mute':
        return void act(() => room.request('member.mute', { memberId }));
      case 'toAudience':
        return void act(() => room.request('stage.remove', { memberId }));
      case 'promote':
        return void act(() => room.request('cohost.promote', { memberId }));
      case 'demote':
        return void act(() => room.request('cohost.demote', { memberId }));
      case 'makeHost':
        if (window.confirm(`Hand the host role to ${member.displayName}? You become a co-host.`)) {
          void act(() => room.request('host.transfer', { memberId }));
        }
        return;
      case 'remove':
        if (window.confirm(`Remove ${member.displayName} from this space? They cannot come back.`)) {
          void act(() => room.request('member.remove', { memberId }));
        }
        return;
      case 'block':
        if (window.confirm(`Block ${member.displayName}? They leave now and cannot join spaces you host.`)) {
          void act(() => room.request('member.block', { memberId }));
        }
        return;
      case 'report': {
        const reason = window.prompt(`Report ${member.displayName}: what happened?`);
        if (reason?.trim()) void act(() => room.request('member.report', { memberId, reason: reason.trim() }));
        return;
      }
    }
  }

  function onQueueAction(action: QueueAction, memberId: string) {
    if (!session) return;
    const { room } = session;
    if (action === 'approve') void act(() => room.request('queue.approve', { memberId }));
    else if (action === 'decline') void act(() => room.request('queue.decline', { memberId }));
    else void act(() => room.request('queue.move', { memberId, direction: action }));
  }

  /** The server approves whoever is first in the queue as it stands now, and says who that was. */
  async function approveNext() {
    if (!session) return;
    setError(undefined);
    try {
      const { displayName } = await session.room.approveNext();
      setNotice(`${displayName} is on stage.`);
    } catch (e) {
      if (e instanceof RequestError && e.code === 'conflict') setNotice(`Nobody to approve: ${e.message}.`);
      else setError((e as Error).message);
    }
  }

  async function copySpeakerInvite() {
    if (!session) return;
    const { invite, listenPath } = await session.room.request('space.invite', { canRequest: true });
    await copy(`${session.httpUrl}${listenPath}#invite=${encodeURIComponent(invite)}`, 'speaker');
  }

  const canGoLive = name.trim().length > 0 && title.trim().length > 0 && phase === 'setup' && inputs.length > 0;

  return (
    <div className="app studio">
      <header className="topbar">
        <span className="brand">Hostline <em>Studio</em></span>
        {phase === 'live' && snapshot && (
          <>
            <span className="live-badge">LIVE</span>
            {snapshot.replay.recording && <span className="recorded-mark" data-testid="studio-recorded-mark" title="The server records this space for a replay">● RECORDED</span>}
            <span className="space-title" data-testid="space-title">{snapshot.title}</span>
            <span className="elapsed">{elapsed}</span>
            <ListenerCount count={snapshot.listenerCount} />
          </>
        )}
        <span className="runtime">{studio.runtime === 'electron' ? 'Desktop' : 'Browser'} · embedded SFU</span>
      </header>

      {reconnecting && <div className="banner banner-notice" role="status" data-testid="reconnecting">{reconnecting}</div>}
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      {notice && <div className="banner banner-notice" role="status">{notice}</div>}

      {(phase === 'setup' || phase === 'starting') && (
        <main className="setup card">
          <h1>Start a space</h1>
          <label>
            Your name
            <input data-testid="host-name" value={name} maxLength={48} onChange={(e) => setName(e.target.value)} placeholder="How listeners see you" />
          </label>
          <label>
            Space title
            <input data-testid="space-title-input" value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} placeholder="What is the show about?" />
          </label>
          <label>
            Microphone
            <select data-testid="mic-select" value={deviceId} onChange={(e) => void chooseInput(e.target.value)}>
              {inputs.map((d) => (
                <option key={d.deviceId} value={d.deviceId}>{d.label}</option>
              ))}
            </select>
          </label>
          <ConsoleMeter tap={engine?.processedMeter} label="Level" />
          {settings && (
            <label className="inline">
              <input
                type="checkbox"
                data-testid="replay-at-start"
                checked={settings.replay.recordByDefault}
                onChange={(e) => {
                  const replay = { ...settings.replay, recordByDefault: e.target.checked };
                  setSettings({ ...settings, replay });
                  void studio.updateSettings({ replay });
                }}
              />
              Record a replay for listeners (they see a “Recorded” mark)
            </label>
          )}
          <label className="inline">
            <input type="checkbox" data-testid="live-captions" checked={captionsOn} onChange={(e) => setCaptionsOn(e.target.checked)} />
            Live captions (transcribed on the server; anyone on stage can decline)
          </label>
          <button className="primary" data-testid="go-live" disabled={!canGoLive} onClick={() => void goLive()}>
            {phase === 'starting' ? 'Starting…' : 'Go live'}
          </button>
        </main>
      )}
      {(phase === 'setup' || phase === 'starting') && engine && settings && (
        <section className="console-setup">
          <ConsolePanel engine={engine} studio={studio} settings={settings} />
        </section>
      )}
      {phase === 'setup' && <RecordingLibrary studio={studio} />}

      {phase === 'live' && session && snapshot && (
        <main className="console">
          <section className="card share">
            <h2>Share link</h2>
            <div className="share-row">
              <input data-testid="share-link" readOnly value={session.shareLink} onFocus={(e) => e.target.select()} />
              <button onClick={() => void copy(session.shareLink, 'listen')}>{copied === 'listen' ? 'Copied' : 'Copy'}</button>
            </div>
            <div className="share-row policy">
              <label className="inline">
                Who can ask to speak
                <select
                  data-testid="request-policy"
                  value={snapshot.policy.requestPolicy}
                  onChange={(e) => void act(() => session.room.request('space.settings', { requestPolicy: e.target.value as 'everyone' | 'invited' }))}
                >
                  <option value="everyone">Everyone</option>
                  <option value="invited">Only people I invite</option>
                </select>
              </label>
              <button onClick={() => void act(copySpeakerInvite)}>{copied === 'speaker' ? 'Copied' : 'Copy speaker invite link'}</button>
            </div>
          </section>
          <div className="column">
            <section className="card stage-card">
              <h2>Stage</h2>
              <StageList snapshot={snapshot} speaking={speaking} selfId={session.room.memberId} onAction={onStageAction} />
              <ReactionFeed room={session.room} />
            </section>
            <section className="card">
              <h2>Audience</h2>
              {/* Inviting a co-host is the host's, like promoting one. */}
              <AudiencePanel room={session.room} isHost={can(snapshot.you.role, 'cohost.promote')} listenerCount={snapshot.listenerCount} />
            </section>
          </div>
          <div className="column">
            {engine && settings && (
              <RecordingPanel studio={studio} engine={engine} room={session.room} hostName={name.trim()} shortcuts={settings.shortcuts} />
            )}
            <ReplayLivePanel replay={session.replay} isHost={snapshot.you.role === 'host'} canMark={snapshot.you.role === 'host' || snapshot.you.role === 'cohost'} />
            {captions && <CaptionsPanel feed={captions} snapshot={snapshot} onError={setError} />}
            <section className="card">
              <h2>Requests to speak</h2>
              <QueuePanel snapshot={snapshot} serverNow={serverNow} onAction={onQueueAction} onApproveNext={() => void approveNext()} />
            </section>
            <section className="card mic">
              <h2>Your microphone</h2>
              <select value={deviceId} onChange={(e) => void chooseInput(e.target.value)}>
                {inputs.map((d) => (
                  <option key={d.deviceId} value={d.deviceId}>{d.label}</option>
                ))}
              </select>
              <ConsoleMeter tap={engine?.processedMeter} label="To stage" />
              <div className="actions">
                <button data-testid="mute" className={muted ? 'warn' : ''} onClick={() => void toggleMute()}>
                  {muted ? 'Unmute' : 'Mute'}
                </button>
                {can(snapshot.you.role, 'stage.muteAll') && (
                  <button data-testid="mute-all" onClick={() => void act(() => session.room.request('stage.muteAll', {}))}>Mute all</button>
                )}
                {can(snapshot.you.role, 'space.end') && (
                  <button data-testid="end-space" className="danger" onClick={() => void endSpace()}>End space</button>
                )}
              </div>
            </section>
          </div>
          {engine && settings && (
            <section className="console-live">
              <ConsolePanel
                engine={engine}
                studio={studio}
                settings={settings}
                onMuteSelf={() => void toggleMute()}
                onApproveNext={() => void approveNext()}
                onMuteAll={() => void act(() => session.room.request('stage.muteAll', {}))}
                startedAt={snapshot.startedAt}
              />
            </section>
          )}
        </main>
      )}

      {phase === 'ended' && (
        <main className="card setup">
          <h1>The space has ended</h1>
          <button className="primary" onClick={() => window.location.reload()}>Start another</button>
        </main>
      )}
      {phase === 'ended' && session && <ReplayManager replay={session.replay} />}
      {phase === 'ended' && <RecordingLibrary studio={studio} />}
    </div>
  );
}
