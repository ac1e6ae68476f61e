// The player: a timeline of who spoke when and the markers (click to jump there), every track with solo
// and mute, and export (mix and stems, chapters, trimmed). Tracks play from the studio host with byte
// ranges, so a two-hour show is never loaded whole.
import { useEffect, useMemo, useRef, useState } from 'react';
import { speakerSegments, type ExportResult, type RecordingManifest, type RecordingTrack } from '../../../shared/recording';
import type { StudioApi } from '../../../shared/studio-api';
import { formatClock } from '../../ui/format';
import { parseClock } from './format';

type Listen = 'mix' | 'stems';

/** Which tracks are heard: the mix alone, or the voices with solo (any soloed: only those) and mute. */
export function audibleTracks(tracks: RecordingTrack[], listen: Listen, solo: ReadonlySet<number>, muted: ReadonlySet<number>): Set<number> {
  if (listen === 'mix') return new Set(tracks.filter((t) => t.kind === 'mix').map((t) => t.trackNo));
  const voices = tracks.filter((t) => t.kind !== 'mix');
  const chosen = solo.size ? voices.filter((t) => solo.has(t.trackNo)) : voices.filter((t) => !muted.has(t.trackNo));
  return new Set(chosen.map((t) => t.trackNo));
}

function ticks(duration: number): number[] {
  const steps = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => duration / s <= 10) ?? 3600;
  const out: number[] = [];
  for (let t = 0; t <= duration; t += step) out.push(t);
  return out;
}

export function RecordingPlayer(props: { studio: StudioApi; manifest: RecordingManifest }) {
  const { studio, manifest } = props;
  const duration = Math.max(0.001, manifest.durationSec);
  const audio = useRef(new Map<number, HTMLAudioElement>());
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [listen, setListen] = useState<Listen>('mix');
  const [solo, setSolo] = useState<Set<number>>(new Set());
  const [muted, setMuted] = useState<Set<number>>(new Set());
  const [trimStart, setTrimStart] = useState('0:00');
  const [trimEnd, setTrimEnd] = useState(formatClock(manifest.durationSec));
  const [stems, setStems] = useState(true);
  const [exported, setExported] = useState<ExportResult>();
  const [exportError, setExportError] = useState<string>();
  const [exporting, setExporting] = useState(false);

  const segments = useMemo(() => speakerSegments(manifest.events, manifest.durationSec), [manifest]);
  const markers = manifest.events.filter((e) => e.type === 'marker' || e.type === 'pause');
  const audible = audibleTracks(manifest.tracks, listen, solo, muted);

  useEffect(() => {
    for (const t of manifest.tracks) {
      const el = audio.current.get(t.trackNo);
      if (el) el.muted = !audible.has(t.trackNo);
    }
  });

  // One element leads the clock; the others are nudged back when they drift (media elements do, slowly).
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const els = [...audio.current.values()];
      const lead = els[0];
      if (!lead) return;
      setPosition(lead.currentTime);
      if (lead.ended) setPlaying(false);
      for (const el of els.slice(1)) if (Math.abs(el.currentTime - lead.currentTime) > 0.08) el.currentTime = lead.currentTime;
    }, 250);
    return () => clearInterval(timer);
  }, [playing]);

  useEffect(() => () => audio.current.forEach((el) => el.pause()), []);

  function seek(seconds: number) {
    const t = Math.max(0, Math.min(duration, seconds));
    for (const el of audio.current.values()) el.currentTime = t;
    setPosition(t);
  }

  function togglePlay() {
    const els = [...audio.current.values()];
    if (playing) {
      els.forEach((el) => el.pause());
      setPlaying(false);
    } else {
      els.forEach((el) => {
        el.currentTime = position;
        void el.play().catch(() => undefined);
      });
      setPlaying(true);
    }
  }

  const toggle = (set: Set<number>, n: number) => {
    const next = new Set(set);
    if (next.has(n)) next.delete(n);
    else next.add(n);
    return next;
  };

  function seekFromLane(e: React.MouseEvent<HTMLDivElement>) {
    const box = e.currentTarget.getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * duration);
  }

  async function runExport() {
    setExportError(undefined);
    setExported(undefined);
    const start = parseClock(trimStart);
    const end = parseClock(trimEnd);
    if (start === undefined || end === undefined) {
      setExportError('Write the start and end as m:ss or h:mm:ss.');
      return;
    }
    setExporting(true);
    try {
      setExported(await studio.exportRecording(manifest.id, { start, end: Math.min(end, manifest.durationSec), stems }));
    } catch (e) {
      setExportError((e as Error).message);
    } finally {
      setExporting(false);
    }
  }

  const pct = (t: number) => `${(100 * t) / duration}%`;
  return (
    <div className="player" data-testid="player">
      <div className="player-bar">
        <button className="primary" data-testid="player-play" onClick={togglePlay}>{playing ? 'Pause' : 'Play'}</button>
        <span className="player-time" data-testid="player-time">{formatClock(position)} / {formatClock(manifest.durationSec)}</span>
        <div className="segmented">
          <button className={listen === 'mix' ? 'selected' : ''} data-testid="listen-mix" onClick={() => setListen('mix')}>Mix</button>
          <button className={listen === 'stems' ? 'selected' : ''} data-testid="listen-stems" onClick={() => setListen('stems')}>Tracks</button>
        </div>
      </div>
      <div className="timeline" data-testid="timeline">
        <div className="timeline-ruler" onClick={seekFromLane}>
          {ticks(duration).map((t) => (
            <span key={t} className="timeline-tick" style={{ left: pct(t) }}>{formatClock(t)}</span>
          ))}
        </div>
        <div className="timeline-row">
          <span className="track-label"><span className="name">Markers</span></span>
          <div className="timeline-lane markers-lane" onClick={seekFromLane}>
            {markers.map((m, i) => (
              <span
                key={i}
                className="marker"
                data-testid="timeline-marker"
                title={`${m.label ?? 'Marker'} at ${formatClock(m.at)}`}
                style={{ left: pct(m.at) }}
                onClick={(e) => {
                  e.stopPropagation();
                  seek(m.at);
                }}
              >
                <span className="marker-label">{m.label ?? `Marker ${i + 1}`}</span>
              </span>
            ))}
          </div>
        </div>
        {manifest.tracks.map((t) => (
          <div className="timeline-row" key={t.trackNo} data-testid="timeline-track">
            <span className="track-label">
              <span className="name" title={t.name}>{t.kind === 'mix' ? 'Mix' : t.name}</span>
              {t.kind !== 'mix' && (
                <>
                  <button
                    className={solo.has(t.trackNo) ? 'on-solo' : ''}
                    data-testid="track-solo"
                    title="Solo"
                    onClick={() => {
                      setListen('stems');
                      setSolo(toggle(solo, t.trackNo));
                    }}
                  >S</button>
                  <button
                    className={muted.has(t.trackNo) ? 'on-mute' : ''}
                    data-testid="track-mute"
                    title="Mute"
                    onClick={() => {
                      setListen('stems');
                      setMuted(toggle(muted, t.trackNo));
                    }}
                  >M</button>
                </>
              )}
            </span>
            <div className="timeline-lane" onClick={seekFromLane} style={{ opacity: audible.has(t.trackNo) ? 1 : 0.45 }}>
              {segments
                .filter((s) => t.kind === 'mix' || s.memberId === t.memberId)
                .map((s, i) => (
                  <span
                    key={i}
                    className="segment"
                    data-testid="timeline-segment"
                    title={`${s.name} ${formatClock(s.start)}–${formatClock(s.end)}`}
                    style={{ left: pct(s.start), width: pct(s.end - s.start), opacity: t.kind === 'mix' ? 0.35 : undefined }}
                    onClick={(e) => {
                      e.stopPropagation();
                      seek(s.start);
                    }}
                  />
                ))}
            </div>
            <audio
              preload="metadata"
              src={studio.recordingTrackUrl(manifest.id, t.file)}
              ref={(el) => {
                if (el) audio.current.set(t.trackNo, el);
                else audio.current.delete(t.trackNo);
              }}
            />
          </div>
        ))}
        <span className="playhead" style={{ left: `calc((100% - 180px) * ${position / duration})` }} />
      </div>
      <h2>Export</h2>
      <div className="export-form">
        <label>From<input data-testid="export-start" value={trimStart} onChange={(e) => setTrimStart(e.target.value)} /></label>
        <label>To<input data-testid="export-end" value={trimEnd} onChange={(e) => setTrimEnd(e.target.value)} /></label>
        <label className="inline"><input type="checkbox" checked={stems} onChange={(e) => setStems(e.target.checked)} /> every voice as its own file</label>
        <button data-testid="export-run" disabled={exporting} onClick={() => void runExport()}>{exporting ? 'Exporting…' : 'Export'}</button>
      </div>
      {exportError && <p className="warning" role="alert">{exportError}</p>}
      {exported && (
        <p className="export-result" data-testid="export-result">
          {formatClock(exported.durationSec)} exported to {exported.dir}{'\n'}{exported.files.join('  ')}{'\n'}
          {exported.chapters.length} chapters
        </p>
      )}
    </div>
  );
}
