// The live recording control: record, pause/resume, marker, stop; length so far and minutes of disk left.
// The Recorder (made by the StudioSession when the host goes live) does the work; this only renders its
// state and calls it.
import { useEffect, useState } from 'react';
import type { RecordingStatus } from '../../../shared/recording';
import type { StudioApi } from '../../../shared/studio-api';
import { attempt } from '../../attempt';
import type { Recorder, RecorderState } from '../../recording/Recorder';
import { formatClock } from '../../ui/format';
import './recording.css';

export function RecordingPanel(props: { studio: StudioApi; recorder: Recorder; onMarker: () => void }) {
  const { studio, recorder, onMarker } = props;
  const [state, setState] = useState<RecorderState>(recorder.state);
  const [status, setStatus] = useState<RecordingStatus>();
  const [markers, setMarkers] = useState(recorder.markers);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    const offs = [
      recorder.on('state', setState),
      recorder.on('status', setStatus),
      recorder.on('marker', setMarkers),
      recorder.on('stopped', (summary, reason) => {
        setMessage(reason ? `Recording stopped: ${reason}. What was recorded is saved.` : summary ? `Saved “${summary.title}” (${formatClock(summary.durationSec)}).` : undefined);
      }),
      studio.onRecordingStatus(setStatus),
    ];
    return () => offs.forEach((off) => off());
  }, [recorder, studio]);

  const run = (action: () => Promise<unknown>) => attempt(action, setMessage);

  const active = state === 'recording' || state === 'paused';
  return (
    <section className="card recording-panel" data-testid="recording-panel">
      <h2>Recording</h2>
      <div className="recording-row">
        {!active && (
          <button className="record-button" data-testid="record-start" disabled={state !== 'idle'} onClick={() => void run(() => recorder.start().then(() => setMarkers(recorder.markers)))}>
            <span className="rec-dot" /> {state === 'starting' ? 'Starting…' : 'Record'}
          </button>
        )}
        {state === 'recording' && <button data-testid="record-pause" onClick={() => void run(() => recorder.pause())}>Pause</button>}
        {state === 'paused' && <button data-testid="record-resume" onClick={() => void run(() => recorder.resume())}>Resume</button>}
        {active && (
          <button data-testid="record-marker" onClick={onMarker}>
            Marker
          </button>
        )}
        {(active || state === 'stopping') && (
          <button className="danger" data-testid="record-stop" disabled={state === 'stopping'} onClick={() => void run(() => recorder.stop())}>
            {state === 'stopping' ? 'Saving…' : 'Stop'}
          </button>
        )}
      </div>
      {active && status && (
        <p className="recording-status" data-testid="record-status">
          <span className={state === 'recording' ? 'rec-live' : 'rec-paused'}>{state === 'recording' ? '● REC' : 'Ⅱ PAUSED'}</span> {formatClock(status.seconds)} ·{' '}
          {status.tracks} tracks · {markers} {markers === 1 ? 'marker' : 'markers'}
          {status.minutesLeft !== undefined && <> · disk: {status.minutesLeft > 600 ? `${Math.floor(status.minutesLeft / 60)} h` : `${Math.floor(status.minutesLeft)} min`} left</>}
        </p>
      )}
      {active && status?.lowDisk && (
        <p className="warning" role="alert" data-testid="record-disk-warning">
          Low disk space: about {Math.floor(status.minutesLeft ?? 0)} minutes of recording left. The recording stops cleanly before the disk is full.
        </p>
      )}
      {message && <p className="recording-message" data-testid="record-message">{message}</p>}
    </section>
  );
}
