// The listener page: open a share link, press Listen, hear the Stage. Shows who is on stage, how many
// listen, and a level meter of what arrives.
import { useEffect, useRef, useState } from 'react';
import type { SpaceSnapshot } from '../../shared/space';
import { LevelMeter } from '../audio/LevelMeter';
import { RoomClient } from '../room/RoomClient';
import { Meter } from '../ui/Meter';
import { ListenerCount, StageList } from '../ui/StageList';

type Phase = 'ready' | 'joining' | 'listening' | 'ended';

declare global {
  interface Window {
    /** What this page has heard, for people and tests checking that audio arrives. */
    hostlineListener?: { meter: LevelMeter; room: RoomClient; context: AudioContext };
  }
}

function readLink(): { spaceId: string; invite: string | null } {
  const spaceId = window.location.pathname.split('/').filter(Boolean)[1] ?? '';
  const invite = new URLSearchParams(window.location.hash.slice(1)).get('invite');
  return { spaceId, invite };
}

export function ListenerApp() {
  const [{ invite }] = useState(readLink);
  const [phase, setPhase] = useState<Phase>('ready');
  const [snapshot, setSnapshot] = useState<SpaceSnapshot>();
  const [error, setError] = useState<string>();
  const [endedReason, setEndedReason] = useState<string>();
  const [name, setName] = useState('');
  const [meter, setMeter] = useState<LevelMeter>();
  const room = useRef<RoomClient | undefined>(undefined);

  useEffect(() => () => room.current?.close(), []);

  async function listen() {
    if (!invite) return;
    setError(undefined);
    setPhase('joining');
    try {
      // Made inside the click, so the browser lets it play.
      const context = new AudioContext({ sampleRate: 48000 });
      await context.resume();
      const mix = context.createGain();
      const levelMeter = new LevelMeter(context);
      await levelMeter.attachNode(mix);
      setMeter(levelMeter);
      const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
      const client = new RoomClient({ wsUrl });
      room.current = client;
      window.hostlineListener = { meter: levelMeter, room: client, context };
      const players = new Map<string, { element: HTMLAudioElement; source: MediaStreamAudioSourceNode }>();
      client.on('state', setSnapshot);
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
      client.on('ended', (reason) => {
        setEndedReason(reason);
        setPhase('ended');
      });
      client.on('disconnected', (reason) => setError(`Disconnected: ${reason}`));
      await client.connect();
      await client.join(invite, name.trim() || undefined);
      setPhase('listening');
    } catch (e) {
      setError((e as Error).message);
      setPhase('ready');
    }
  }

  return (
    <div className="app listener">
      <header className="topbar">
        <span className="brand">Hostline</span>
        {snapshot && <span className="space-title" data-testid="space-title">{snapshot.title}</span>}
        {snapshot && phase === 'listening' && <span className="live-badge">LIVE</span>}
        {snapshot && <ListenerCount count={snapshot.listenerCount} />}
      </header>
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      <main className="listener-main">
        {!invite && (
          <section className="card">
            <h1>This link is incomplete</h1>
            <p>Ask the host for the full share link; it carries the invitation after the # sign.</p>
          </section>
        )}
        {invite && (phase === 'ready' || phase === 'joining') && (
          <section className="card join">
            <h1>You are invited to a live space</h1>
            <label>
              Your name (optional)
              <input value={name} maxLength={48} onChange={(e) => setName(e.target.value)} placeholder="Listener" />
            </label>
            <button className="primary big" data-testid="listen" disabled={phase === 'joining'} onClick={() => void listen()}>
              {phase === 'joining' ? 'Joining…' : 'Listen'}
            </button>
          </section>
        )}
        {phase === 'listening' && snapshot && (
          <>
            <section className="card">
              <h2>On stage</h2>
              <StageList snapshot={snapshot} selfId={room.current?.memberId} />
            </section>
            <section className="card">
              <h2>What you hear</h2>
              <Meter meter={meter} label="Incoming level" />
              <p className="status" data-testid="listen-status">Listening live.</p>
            </section>
          </>
        )}
        {phase === 'ended' && (
          <section className="card">
            <h1>This space has ended</h1>
            <p data-testid="ended-reason">{endedReason}</p>
          </section>
        )}
      </main>
    </div>
  );
}
