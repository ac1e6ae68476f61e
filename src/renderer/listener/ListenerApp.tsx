// The listener page: open a share link, press Listen, hear the Stage. Listeners raise a hand to ask to
// speak (seeing their place and a live wait estimate), answer invitations, react, and report; once on
// stage they can mute themselves and step down.
import { useEffect, useRef, useState } from 'react';
import type { StageMember } from '../../shared/space';
import { connectMeter, loadMeterWorklet, MeterTap } from '../audio/meter/MeterTap';
import type { MeterOptions } from '../audio/meter/messages';
import { attempt } from '../attempt';
import { BROWSER_PROCESSING_FOR } from '../../shared/console-settings';
import { microphoneConstraints } from '../audio/engine/devices';
import { can, type ResponseMap } from '../../shared/protocol';
import { isOnStage } from '../../shared/roles';
import { micCheckFigures } from '../../shared/mic-check';
import { RoomClient } from '../room/RoomClient';
import { RequestError } from '../room/SignalingClient';
import { formatWait } from '../ui/format';
import { Meter } from '../ui/Meter';
import { ReactionBar, ReactionFeed } from '../ui/Reactions';
import { ListenerCount, StageList, type StageAction } from '../ui/StageList';
import { stageNotice } from '../ui/stageNotice';
import { useSnapshot, useSpeaking } from '../ui/useRoom';
import type { ClipInfo } from '../../shared/replay';
import { ReplayView } from '../replay/ReplayView';
import { useReplayStatus } from '../replay/replayStatus';
import { CaptionsPanel } from '../ui/CaptionsPanel';
import { CaptionFeed } from '../room/CaptionFeed';

type Phase = 'ready' | 'joining' | 'listening' | 'ended';

declare global {
  interface Window {
    /** What this page has heard, for people and tests checking that audio arrives. */
    hostlineListener?: { meter: MeterTap; room: RoomClient; context: AudioContext };
  }
}

/** 10 ms readings: the mic check rates them, and tests read what arrived at that resolution. */
const LISTENER_METER: MeterOptions = { loudness: false, periodMs: 10 };

const USER_TOKEN_KEY = 'hostline.userToken';
/** How long the mic check listens. */
const MIC_CHECK_MS = 3000;

interface Prepared {
  context: AudioContext;
  mix: GainNode;
  levelMeter: MeterTap;
  client: RoomClient;
  preview: ResponseMap['space.preview'] | undefined;
}

async function prepare(invite: string): Promise<Prepared> {
  const context = new AudioContext({ sampleRate: 48000 });
  const mix = context.createGain();
  const levelMeter = new MeterTap();
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
  const client = new RoomClient({ wsUrl, clientName: 'listener page', userToken: localStorage.getItem(USER_TOKEN_KEY) ?? undefined });
  const [, preview] = await Promise.all([
    loadMeterWorklet(context).then(() => void connectMeter(mix, levelMeter, LISTENER_METER)),
    // A preview failing (space ended) is reported by the join itself.
    client.connect().then(() => client.preview(invite).catch(() => undefined)),
  ]);
  return { context, mix, levelMeter, client, preview };
}

function readLink(): { spaceId: string; invite: string | null } {
  const spaceId = window.location.pathname.split('/').filter(Boolean)[1] ?? '';
  const invite = new URLSearchParams(window.location.hash.slice(1)).get('invite');
  return { spaceId, invite };
}

/** `invite`: the invitation the Space page got when the Space went live; else the link's own (#invite=). */
export function ListenerApp({ invite: given }: { invite?: string } = {}) {
  const [{ spaceId, invite }] = useState(() => {
    const link = readLink();
    return given ? { ...link, invite: given } : link;
  });
  const [phase, setPhase] = useState<Phase>('ready');
  const [room, setRoom] = useState<RoomClient>();
  const snapshot = useSnapshot(room);
  const speaking = useSpeaking(room);
  const [error, setError] = useState<string>();
  /** A ticketed Space refused the join: its id, for the link to buy a ticket on its page. */
  const [ticketSpace, setTicketSpace] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [endedReason, setEndedReason] = useState<string>();
  const [name, setName] = useState('');
  const [meter, setMeter] = useState<MeterTap>();
  const [micMeter, setMicMeter] = useState<MeterTap>();
  const audio = useRef<{ context: AudioContext; mic?: MediaStream; micMeter?: MeterTap } | undefined>(undefined);
  const [micCheck, setMicCheck] = useState<{ state: 'running' } | { state: 'done'; quality: string; summary: string }>();

  useEffect(() => () => room?.close(), [room]);
  // Made with the room, before joining, so it hears the captions state the server sends on join.
  const [captions, setCaptions] = useState<CaptionFeed>();

  // After the Space ends, its link shows the replay.
  const replay = useReplayStatus(spaceId, phase);
  const showReplay = replay !== undefined && replay !== 'recording' && phase !== 'listening';
  const [liveClip, setLiveClip] = useState<ClipInfo>();

  // Everything that does not need the click is made while the page opens: the audio graph (suspended
  // until the click) and the connection. Pressing Listen then only resumes audio and joins.
  const prepared = useRef<Promise<Prepared> | undefined>(undefined);
  const [preview, setPreview] = useState<Prepared['preview']>();
  useEffect(() => {
    if (!invite) return;
    prepared.current = prepare(invite);
    void prepared.current.then((p) => setPreview(p.preview)).catch(() => undefined);
  }, [invite]);

  async function listen() {
    if (!invite) return;
    setError(undefined);
    setPhase('joining');
    let previewedSpace: string | undefined;
    try {
      prepared.current ??= prepare(invite);
      const { context, mix, levelMeter, client, preview } = await prepared.current;
      previewedSpace = preview?.spaceId;
      // Inside the click, so the browser lets it play.
      await context.resume();
      audio.current = { context };
      setMeter(levelMeter);
      window.hostlineListener = { meter: levelMeter, room: client, context };
      const players = new Map<string, { element: HTMLAudioElement; source: MediaStreamAudioSourceNode }>();
      client.on('trackadded', (remote) => {
        const stream = new MediaStream([remote.track]);
        // The element plays the audio; Chromium also only feeds remote WebRTC audio into Web Audio while
        // an element plays it.
        const element = new Audio();
        element.srcObject = stream;
        void element.play().catch(() => setError('Press Listen again to allow audio playback.'));
        const source = context.createMediaStreamSource(stream);
        source.connect(mix);
        players.set(remote.consumerId, { element, source });
      });
      client.on('trackremoved', ({ consumerId }) => {
        const player = players.get(consumerId);
        player?.element.pause();
        player?.source.disconnect();
        players.delete(consumerId);
      });
      client.on('rolechanged', (change) => setNotice(stageNotice(change, client.memberId)));
      client.on('ended', (reason) => {
        setEndedReason(reason);
        setPhase('ended');
      });
      client.on('removed', (reason) => {
        setEndedReason(reason);
        setPhase('ended');
      });
      client.on('reconnecting', ({ attempt }) => setNotice(`Connection lost; reconnecting (attempt ${attempt})…`));
      client.on('reconnected', () => setNotice('Reconnected.'));
      client.on('disconnected', (reason) => setError(`Disconnected: ${reason}`));
      if (!client.signaling.connected) await client.connect();
      setCaptions(new CaptionFeed(client));
      await client.join(invite, name.trim() || undefined);
      if (client.userToken) localStorage.setItem(USER_TOKEN_KEY, client.userToken);
      setRoom(client);
      setPhase('listening');
    } catch (e) {
      if (e instanceof RequestError && e.code === 'ticket_required') setTicketSpace(previewedSpace ?? '');
      // Start over on the next click, with a fresh connection.
      prepared.current = undefined;
      setError((e as Error).message);
      setPhase('ready');
    }
  }

  /** Opens the microphone (so it is ready the moment a host says yes), then raises the hand. */
  async function raiseHand() {
    if (!room || !audio.current) return;
    setError(undefined);
    try {
      if (!audio.current.mic) await openMic();
      await room.raiseHand();
      void checkMic();
    } catch (e) {
      setError(`Could not ask to speak: ${(e as Error).message}`);
    }
  }

  /** Measures the microphone for a few seconds and sends the figures; hosts see the rating. */
  async function checkMic() {
    const meter = audio.current?.micMeter;
    if (!room || !meter) return;
    setMicCheck({ state: 'running' });
    const from = performance.now();
    await new Promise((resolve) => setTimeout(resolve, MIC_CHECK_MS));
    const readings = meter.history().filter((r) => r.wallTime >= from);
    try {
      const rated = await room.request('queue.micCheck', micCheckFigures(readings, Math.round(performance.now() - from)));
      setMicCheck({ state: 'done', ...rated });
    } catch (e) {
      // The hand went down meanwhile, or the host approved already: nothing to rate.
      setMicCheck(undefined);
      if (!(e instanceof RequestError && e.code === 'conflict')) setError(`Mic check: ${(e as Error).message}`);
    }
  }

  const run = (action: () => Promise<unknown>) => attempt(action, setError);

  async function answer(accept: boolean) {
    if (!room) return;
    if (accept && !audio.current?.mic) await openMic().catch((e: Error) => setError(`Microphone: ${e.message}`));
    await run(() => room.request('stage.answer', { accept }));
  }

  /** Opens the microphone and hands it to the room client, which sends it whenever we are on stage. */
  async function openMic() {
    if (!room || !audio.current) return;
    // A listener usually hears the space on speakers, so the browser's echo cancellation stays on.
    const mic = await navigator.mediaDevices.getUserMedia(microphoneConstraints(undefined, BROWSER_PROCESSING_FOR.speakers));
    audio.current.mic = mic;
    const m = new MeterTap();
    await loadMeterWorklet(audio.current.context);
    connectMeter(audio.current.context.createMediaStreamSource(mic), m, LISTENER_METER);
    audio.current.micMeter = m;
    setMicMeter(m);
    await room.setMicrophone(mic.getAudioTracks()[0]);
  }

  function onStageAction(action: StageAction, member: StageMember) {
    if (action !== 'report' || !room) return;
    const reason = window.prompt(`Report ${member.displayName}: what happened?`);
    if (reason?.trim()) void run(() => room.request('member.report', { memberId: member.memberId, reason: reason.trim() }));
  }

  const you = snapshot?.you;
  const onStage = you && isOnStage(you.role);

  return (
    <div className="app listener">
      <header className="topbar">
        <span className="brand">Hostline</span>
        {snapshot && <span className="space-title" data-testid="space-title">{snapshot.title}</span>}
        {snapshot && phase === 'listening' && <span className="live-badge">LIVE</span>}
        {((snapshot && phase === 'listening' && snapshot.replay.recording) || (!snapshot && preview?.recording)) && (
          <span className="recorded-mark" data-testid="recorded-mark" title="The host records this space for a replay">● RECORDED</span>
        )}
        {snapshot && <ListenerCount count={snapshot.listenerCount} />}
      </header>
      {notice && <div className="banner banner-notice" role="status" data-testid="notice">{notice}</div>}
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      {ticketSpace !== undefined && (
        <div className="banner banner-notice" data-testid="ticket-needed">
          This Space needs a ticket. {ticketSpace && <a href={`/s/${encodeURIComponent(ticketSpace)}`}>Buy a ticket</a>}{' '}
          <a href={`/signin?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`}>Sign in</a>
        </div>
      )}
      {snapshot?.hostAwayUntil && <div className="banner banner-notice" role="status">The host lost their connection; waiting for them to come back…</div>}
      <main className="listener-main">
        {showReplay && <ReplayView spaceId={spaceId} />}
        {!invite && !showReplay && (
          <section className="card">
            <h1>This link is incomplete</h1>
            <p>Ask the host for the full share link; it carries the invitation after the # sign.</p>
          </section>
        )}
        {invite && !showReplay && (phase === 'ready' || phase === 'joining') && (
          <section className="card join">
            <h1>{preview ? preview.title : 'You are invited to a live space'}</h1>
            {preview && (
              <p data-testid="preview">
                Live now with {preview.stage.map((m) => m.displayName).join(', ') || 'nobody on stage yet'} ·{' '}
                {preview.listenerCount} {preview.listenerCount === 1 ? 'listener' : 'listeners'}
              </p>
            )}
            <label>
              Your name (optional)
              <input data-testid="listener-name" value={name} maxLength={48} onChange={(e) => setName(e.target.value)} placeholder="Listener" />
            </label>
            <button className="primary big" data-testid="listen" disabled={phase === 'joining'} onClick={() => void listen()}>
              {phase === 'joining' ? 'Joining…' : 'Listen'}
            </button>
          </section>
        )}
        {phase === 'listening' && snapshot && room && you && (
          <>
            <section className="card">
              <h2>On stage</h2>
              <StageList snapshot={snapshot} speaking={speaking} selfId={room.memberId} onAction={onStageAction} />
              <ReactionFeed room={room} />
            </section>
            {you.invitation && (
              <section className="card invitation" data-testid="invitation">
                <h2>Invitation</h2>
                <p>{you.invitation.from} invites you on stage as {you.invitation.as === 'cohost' ? 'a co-host' : 'a speaker'}.</p>
                <div className="actions">
                  <button className="primary" data-testid="accept-invitation" onClick={() => void answer(true)}>Join the stage</button>
                  <button onClick={() => void answer(false)}>Not now</button>
                </div>
              </section>
            )}
            <section className="card">
              <h2>{onStage ? 'You are on stage' : 'Speak'}</h2>
              {onStage ? (
                <>
                  <Meter tap={micMeter} label="Your microphone" loudness={false} compact />
                  {you.muted && <p data-testid="muted-note">Your microphone is muted.</p>}
                  <div className="actions">
                    {can(you.role, 'producer.pause') && (
                      <button data-testid="self-mute" className={you.muted ? 'warn' : ''} onClick={() => void run(() => room.setMuted(!you.muted))}>
                        {you.muted ? 'Unmute' : 'Mute'}
                      </button>
                    )}
                    {can(you.role, 'stage.leave') && <button data-testid="step-down" onClick={() => void run(() => room.stepDown())}>Step down</button>}
                  </div>
                </>
              ) : you.hand ? (
                <>
                  <p data-testid="hand-status">
                    Your hand is up: number {you.hand.position} in line, {formatWait(you.hand.estimatedWaitMs)} to wait.
                  </p>
                  <Meter tap={micMeter} label="Your microphone" loudness={false} compact />
                  <p data-testid="mic-check">
                    {micCheck?.state === 'running'
                      ? 'Mic check: say a few words…'
                      : micCheck?.state === 'done'
                        ? `Mic check: ${micCheck.quality} (${micCheck.summary}).`
                        : ''}
                  </p>
                  <div className="actions">
                    <button data-testid="lower-hand" onClick={() => void run(() => room.lowerHand())}>Lower hand</button>
                    <button disabled={micCheck?.state === 'running'} onClick={() => void checkMic()}>Check my mic again</button>
                  </div>
                </>
              ) : you.canRequest ? (
                <button className="primary" data-testid="raise-hand" onClick={() => void raiseHand()}>✋ Ask to speak</button>
              ) : (
                <p>In this space, only people the host invites can ask to speak.</p>
              )}
            </section>
            {captions && <CaptionsPanel feed={captions} snapshot={snapshot} onError={setError} />}
            <section className="card">
              <h2>What you hear</h2>
              <Meter tap={meter} label="Incoming level" loudness={false} compact />
              <p className="status" data-testid="listen-status">Listening live.</p>
              <ReactionBar room={room} />
              {snapshot.replay.recording && snapshot.replay.liveClips && (
                <div className="replay-clip">
                  <button data-testid="live-clip" onClick={() => void run(async () => setLiveClip(await room.request('replay.liveClip', {})))}>
                    ✂ Clip the last 30 s
                  </button>
                  {liveClip && (
                    <a data-testid="live-clip-link" href={liveClip.pagePath} target="_blank" rel="noreferrer">
                      {window.location.origin}
                      {liveClip.pagePath}
                    </a>
                  )}
                </div>
              )}
            </section>
          </>
        )}
        {phase === 'ended' && !showReplay && (
          <section className="card">
            <h1>{endedReason?.includes('removed') || endedReason?.includes('blocked') ? 'You have left this space' : 'This space has ended'}</h1>
            <p data-testid="ended-reason">{endedReason}</p>
          </section>
        )}
      </main>
    </div>
  );
}
