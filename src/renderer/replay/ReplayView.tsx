// The replay of a Space, as its own link shows it once the Space has ended: play/pause, seek, speed,
// who spoke when (click a stretch to jump there), skip to the next speaker, captions in sync, chapters
// from the host's markers, the live audience, and 30-second clips with their own links. Rendering
// only: the ReplayPlayer holds the state and drives the audio element.
import { useEffect, useRef, useState } from 'react';
import type { ClipInfo, ReplayTimeline } from '../../shared/replay';
import { formatClock } from '../ui/format';

/** Milliseconds on the replay clock, as a clock. */
const formatMs = (ms: number) => formatClock(ms / 1000);
import { ReplayPlayer, SPEEDS, type ReplayPlayerState } from './ReplayPlayer';
import './replay.css';

declare global {
  interface Window {
    /** The replay being played, for people and tests checking where the playhead is. */
    hostlineReplay?: ReplayPlayer;
  }
}

const SPEAKER_COLOURS = ['#7c6cff', '#2fbf71', '#e8c547', '#4cc3ff', '#ff7aa8', '#ff9f43', '#b3e15b', '#c08cff'];

export function ReplayView({ spaceId }: { spaceId: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [player, setPlayer] = useState<ReplayPlayer>();
  const [state, setState] = useState<ReplayPlayerState>();
  const [clipError, setClipError] = useState<string>();
  const [made, setMade] = useState<ClipInfo>();
  const [cutting, setCutting] = useState(false);

  useEffect(() => {
    const media = audio.current;
    if (!media) return;
    const p = new ReplayPlayer({ spaceId, media });
    window.hostlineReplay = p;
    p.on('change', setState);
    setPlayer(p);
    void p.load().catch((e: Error) => setState({ ...p.state, load: 'failed', message: e.message }));
    return () => p.close();
  }, [spaceId]);

  async function clip() {
    if (!player) return;
    setClipError(undefined);
    setCutting(true);
    try {
      setMade(await player.clip());
    } catch (e) {
      setClipError((e as Error).message);
    } finally {
      setCutting(false);
    }
  }

  const info = state?.info;
  const timeline = state?.timeline;
  const ready = state?.load === 'ready' && timeline;
  return (
    <section className="card replay" data-testid="replay">
      {/* The element is always there so the player can bind to it; it shows nothing itself. */}
      <audio ref={audio} preload="metadata">
        {info?.captionsUrl && <track kind="captions" src={info.captionsUrl} srcLang="en" label="Captions" />}
      </audio>
      <div className="replay-head">
        <span className="recorded-badge">REPLAY</span>
        <h1 data-testid="replay-title">{info?.title ?? 'Replay'}</h1>
      </div>
      {info && (
        <p className="replay-meta" data-testid="replay-meta">
          Hosted by {info.hostName} · recorded live {new Date(info.liveAt).toLocaleDateString()} ·{' '}
          <span data-testid="replay-listeners">
            {info.uniqueListeners} {info.uniqueListeners === 1 ? 'person' : 'people'} listened live (up to {info.peakListeners} at once)
          </span>
        </p>
      )}
      {state && state.load !== 'ready' && state.load !== 'loading' && (
        <p data-testid="replay-status" className={state.load === 'processing' ? 'status' : 'inline-error'}>{state.message}</p>
      )}
      {state?.load === 'loading' && <p data-testid="replay-status">Loading the replay…</p>}
      {ready && player && (
        <>
          <div className="replay-transport">
            <button className="primary" data-testid="replay-play" onClick={() => void player.toggle()}>
              {state.playing ? 'Pause' : 'Play'}
            </button>
            <span className="replay-time" data-testid="replay-time">
              {formatMs(state.positionMs)} / {formatMs(timeline.durationMs)}
            </span>
            <div className="replay-speeds" role="group" aria-label="Speed">
              {SPEEDS.map((s) => (
                <button key={s} className="small" data-testid={`replay-speed-${s}`} aria-pressed={state.speed === s} onClick={() => player.setSpeed(s)}>
                  {s}×
                </button>
              ))}
            </div>
            <button data-testid="replay-next-speaker" disabled={!player.nextSpeaker()} onClick={() => player.skipToNextSpeaker()}>
              Next speaker ⏭
            </button>
            {info?.captionsUrl && (
              <button data-testid="replay-captions" aria-pressed={state.captionsOn} onClick={() => player.setCaptions(!state.captionsOn)}>
                {state.captionsOn ? 'Captions on' : 'Captions off'}
              </button>
            )}
          </div>
          <input
            className="replay-seek"
            data-testid="replay-seek"
            type="range"
            min={0}
            max={timeline.durationMs}
            step={100}
            value={state.positionMs}
            aria-label="Position"
            onChange={(e) => player.seek(Number(e.target.value))}
          />
          {state.captionsOn && (
            <p className="replay-caption" data-testid="replay-caption">
              {state.caption ? (
                <>
                  {state.caption.speaker && <strong>{state.caption.speaker}: </strong>}
                  {state.caption.text}
                </>
              ) : (
                ' '
              )}
            </p>
          )}
          <SpeakerTimeline timeline={timeline} state={state} onSeek={(ms) => player.seek(ms)} />
          <Chapters timeline={timeline} current={state.chapter} onJump={(i) => player.jumpToChapter(i)} />
          <div className="replay-clip">
            <button data-testid="replay-clip" disabled={cutting} onClick={() => void clip()}>
              {cutting ? 'Cutting…' : '✂ Clip 30 s from here'}
            </button>
            {made && (
              <a data-testid="replay-clip-link" href={made.pagePath}>
                {window.location.origin}
                {made.pagePath}
              </a>
            )}
            {clipError && <span className="inline-error">{clipError}</span>}
          </div>
          {info && info.clips.length > 0 && (
            <div className="replay-clips">
              <h2>Clips</h2>
              <ul>
                {info.clips.map((c) => (
                  <li key={c.id}>
                    <a href={c.pagePath} data-testid="replay-clip-item">{c.title}</a> <span className="muted">({formatMs(c.startMs)}, {Math.round(c.durationMs / 1000)} s)</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function SpeakerTimeline({ timeline, state, onSeek }: { timeline: ReplayTimeline; state: ReplayPlayerState; onSeek: (ms: number) => void }) {
  const total = Math.max(1, timeline.durationMs);
  const at = (ms: number) => `${(100 * ms) / total}%`;
  return (
    <div className="replay-timeline" data-testid="replay-timeline">
      <h2>Who spoke when</h2>
      {timeline.speakers.map((speaker) => (
        <div className="replay-row" key={speaker.index} data-testid="replay-row">
          <span className={`replay-name${state.speaking.includes(speaker.index) ? ' speaking' : ''}`}>{speaker.name}</span>
          <div
            className="replay-lane"
            onClick={(e) => {
              const box = e.currentTarget.getBoundingClientRect();
              onSeek(((e.clientX - box.left) / box.width) * total);
            }}
          >
            {timeline.segments
              .filter((s) => s.speaker === speaker.index)
              .map((s) => (
                <button
                  key={`${s.startMs}`}
                  className="replay-segment"
                  data-testid="replay-segment"
                  data-speaker={speaker.name}
                  data-start-ms={s.startMs}
                  title={`${speaker.name} at ${formatMs(s.startMs)}`}
                  style={{ left: at(s.startMs), width: at(Math.max(s.endMs - s.startMs, total / 400)), background: SPEAKER_COLOURS[speaker.index % SPEAKER_COLOURS.length] }}
                  onClick={(e) => {
                    e.stopPropagation();
                    onSeek(s.startMs);
                  }}
                />
              ))}
            {timeline.chapters.slice(1).map((c) => (
              <span key={c.startMs} className="replay-marker" style={{ left: at(c.startMs) }} />
            ))}
            <span className="replay-playhead" style={{ left: at(state.positionMs) }} />
          </div>
        </div>
      ))}
      {timeline.speakers.length === 0 && <p className="empty">Nobody spoke on stage.</p>}
    </div>
  );
}

function Chapters({ timeline, current, onJump }: { timeline: ReplayTimeline; current: number; onJump: (index: number) => void }) {
  if (timeline.chapters.length < 2) return null;
  return (
    <div className="replay-chapters">
      <h2>Chapters</h2>
      <ol>
        {timeline.chapters.map((c, i) => (
          <li key={c.startMs} className={i === current ? 'current' : ''}>
            <button className="small" data-testid="replay-chapter" onClick={() => onJump(i)}>
              {formatMs(c.startMs)} · {c.title}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
