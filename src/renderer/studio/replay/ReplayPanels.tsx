// The studio's replay controls: while live, recording on/off, live clips and markers; after the end,
// the published replay with its link, trim, retention and delete. Rendering only: StudioReplay acts.
import { useEffect, useState } from 'react';
import { formatClock } from '../../ui/format';
import { parseClock } from '../recording/format';
import type { StudioReplay, StudioReplayState } from './StudioReplay';
import '../../replay/replay.css';

function useReplayState(replay: StudioReplay): StudioReplayState {
  const [state, setState] = useState(replay.state);
  useEffect(() => {
    setState(replay.state);
    return replay.on('change', setState);
  }, [replay]);
  return state;
}

/** Live: what listeners are told, and the host's switches. */
export function ReplayLivePanel({ replay, isHost, canMark }: { replay: StudioReplay; isHost: boolean; canMark: boolean }) {
  const state = useReplayState(replay);
  const [marker, setMarker] = useState('');
  return (
    <section className="card replay-live" data-testid="replay-panel">
      <h2>Replay for listeners</h2>
      <p data-testid="replay-live-status">
        {state.live.recording ? (
          <>
            <span className="recorded-mark">● RECORDED</span> The server records this space; listeners see the mark and get the replay after it ends.
          </>
        ) : (
          'Not recorded for a replay.'
        )}
      </p>
      {isHost && (
        <div className="actions">
          <button data-testid="replay-toggle" className={state.live.recording ? '' : 'primary'} onClick={() => void replay.setRecording(!state.live.recording)}>
            {state.live.recording ? 'Stop recording' : 'Record a replay'}
          </button>
          <label className="inline">
            <input type="checkbox" data-testid="replay-live-clips" checked={state.live.liveClips} onChange={(e) => void replay.setLiveClips(e.target.checked)} />
            Listeners may clip the last 30 s
          </label>
        </div>
      )}
      {canMark && state.live.recording && (
        <form
          className="share-row"
          onSubmit={(e) => {
            e.preventDefault();
            void replay.mark(marker.trim()).then(() => setMarker(''));
          }}
        >
          <input data-testid="replay-marker-title" value={marker} maxLength={120} placeholder="Chapter title (optional)" onChange={(e) => setMarker(e.target.value)} />
          <button data-testid="replay-marker">Add chapter marker</button>
        </form>
      )}
      {state.markers > 0 && <p data-testid="replay-markers">{state.markers} {state.markers === 1 ? 'marker' : 'markers'} in the replay.</p>}
      {state.error && <p className="inline-error" role="alert">{state.error}</p>}
    </section>
  );
}

/** After the end: the replay's publication, its link, and what the host may change. */
export function ReplayManager({ replay }: { replay: StudioReplay }) {
  const state = useReplayState(replay);
  const [trim, setTrim] = useState('');
  const [days, setDays] = useState('');
  const info = state.info;
  if (state.deleted) return <section className="card setup" data-testid="replay-manager"><p data-testid="replay-manager-status">The replay and its clips were deleted.</p></section>;
  if (!info) return null;
  const keptDays = info.retention.mode === 'days' ? info.retention.days : 30;
  const retentionText = info.retention.mode === 'keep' ? 'kept until you delete it' : `kept ${info.retention.days} days (until ${new Date(info.expiresAt ?? 0).toLocaleDateString()})`;
  return (
    <section className="card setup" data-testid="replay-manager">
      <h2>Replay</h2>
      <p data-testid="replay-manager-status">
        {info.status === 'published'
          ? `Published: ${formatClock(info.durationMs / 1000)}, ${retentionText}.`
          : info.status === 'failed'
            ? 'The replay could not be published.'
            : 'Publishing the replay…'}
      </p>
      {info.status === 'published' && (
        <>
          <div className="share-row">
            <input data-testid="replay-link" readOnly value={replay.link} onFocus={(e) => e.target.select()} />
            <a href={replay.link} target="_blank" rel="noreferrer">Open</a>
          </div>
          <form
            className="share-row"
            onSubmit={(e) => {
              e.preventDefault();
              const seconds = parseClock(trim);
              if (seconds !== undefined) void replay.trim(seconds * 1000);
            }}
          >
            <label className="inline">
              Start the replay at
              <input data-testid="replay-trim" value={trim} placeholder={formatClock(info.trimStartMs / 1000)} onChange={(e) => setTrim(e.target.value)} />
            </label>
            <button data-testid="replay-trim-apply" disabled={parseClock(trim) === undefined}>Trim</button>
          </form>
          <div className="share-row">
            <label className="inline">
              Keep it
              <select
                data-testid="replay-retention"
                value={info.retention.mode === 'keep' ? 'keep' : 'days'}
                onChange={(e) => void replay.setRetention(e.target.value === 'keep' ? { mode: 'keep' } : { mode: 'days', days: Number(days) || keptDays })}
              >
                <option value="keep">until I delete it</option>
                <option value="days">for a number of days</option>
              </select>
            </label>
            {info.retention.mode === 'days' && (
              <>
                <input data-testid="replay-retention-days" type="number" min={1} max={3650} value={days || keptDays} onChange={(e) => setDays(e.target.value)} />
                <button data-testid="replay-retention-set" onClick={() => void replay.setRetention({ mode: 'days', days: Math.max(1, Number(days) || keptDays) })}>Set</button>
              </>
            )}
          </div>
          {info.clips.length > 0 && <p>{info.clips.length} {info.clips.length === 1 ? 'clip' : 'clips'} cut from it.</p>}
        </>
      )}
      <div className="actions">
        <button
          className="danger"
          data-testid="replay-delete"
          onClick={() => {
            if (window.confirm('Delete the replay and every clip of it? Listeners can no longer play them.')) void replay.delete();
          }}
        >
          Delete replay
        </button>
      </div>
      {state.error && <p className="inline-error" role="alert">{state.error}</p>}
    </section>
  );
}
