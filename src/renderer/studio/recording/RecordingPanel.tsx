// The live recording control: record, pause/resume, marker, stop; length so far and minutes of disk left.
// The Recorder does the work; this only renders its state and calls it.
import { useEffect, useState } from 'react';
import type { Shortcuts } from '../../../shared/console-settings';
import type { RecordingStatus } from '../../../shared/recording';
import type { StudioApi } from '../../../shared/studio-api';
import { Recorder, type RecorderConsole, type RecorderState } from '../../recording/Recorder';
import type { CaptionFeed } from '../../room/CaptionFeed';
import type { RoomClient } from '../../room/RoomClient';
import { actionFor } from '../console/shortcuts';
import { clock } from './format';
import './recording.css';

declare global {
  interface Window {
    /** The show's recorder, for people and tests checking what it does. */
    hostlineRecorder?: Recorder;
  }
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function RecordingPanel(props: { studio: StudioApi; engine: RecorderConsole; room: RoomClient; hostName: string; shortcuts: Shortcuts; captions?: CaptionFeed }) {
  const { studio, engine, room, hostName, shortcuts, captions } = props;
  const [recorder] = useState(() => new Recorder(studio, engine, room, hostName, captions));
  const [state, setState] = useState<RecorderState>('idle');
  const [status, setStatus] = useState<RecordingStatus>();
  const [markers, setMarkers] = useState(0);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    window.hostlineRecorder = recorder;
    const offs = [
      recorder.on('state', setState),
      recorder.on('status', setStatus),
      recorder.on('stopped', (summary, reason) => {
        setMessage(reason ? `Recording stopped: ${reason}. What was recorded is saved.` : summary ? `Saved “${summary.title}” (${clock(summary.durationSec)}).` : undefined);
      }),
      studio.onRecordingStatus(setStatus),
    ];
    return () => {
      offs.forEach((off) => off());
      void recorder.stop();
    };
  }, [recorder, studio]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.repeat || actionFor(e, shortcuts) !== 'addMarker') return;
      recorder.addMarker();
      if (recorder.state === 'recording' || recorder.state === 'paused') setMarkers((n) => n + 1);
    };
    window.addEventListener('keydown', down);
    return () => window.removeEventListener('keydown', down);
  }, [recorder, shortcuts]);

  async function run(action: () => Promise<unknown>) {
    setMessage(undefined);
    try {
      await action();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }

  const active = state === 'recording' || state === 'paused';
  return (
    <section className="card recording-panel" data-testid="recording-panel">
      <h2>Recording</h2>
      <div className="recording-row">
        {!active && (
          <button className="record-button" data-testid="record-start" disabled={state !== 'idle'} onClick={() => void run(() => recorder.start().then(() => setMarkers(0)))}>
            <span className="rec-dot" /> {state === 'starting' ? 'Starting…' : 'Record'}
          </button>
        )}
        {state === 'recording' && <button data-testid="record-pause" onClick={() => void run(() => recorder.pause())}>Pause</button>}
        {state === 'paused' && <button data-testid="record-resume" onClick={() => void run(() => recorder.resume())}>Resume</button>}
        {active && (
          <button
            data-testid="record-marker"
            onClick={() => {
              recorder.addMarker();
              setMarkers((n) => n + 1);
            }}
          >
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
          <span className={state === 'recording' ? 'rec-live' : 'rec-paused'}>{state === 'recording' ? '● REC' : 'Ⅱ PAUSED'}</span> {clock(status.seconds)} ·{' '}
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
