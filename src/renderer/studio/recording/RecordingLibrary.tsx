// The library of recordings on this machine: title, date, length, speakers, size; recovered ones marked.
// Choosing one opens the player.
import { useEffect, useState } from 'react';
import type { RecordingManifest, RecordingSummary } from '../../../shared/recording';
import type { StudioApi } from '../../../shared/studio-api';
import { formatClock } from '../../ui/format';
import { bytes, date } from './format';
import { RecordingPlayer } from './RecordingPlayer';
import './recording.css';

export function RecordingLibrary(props: { studio: StudioApi }) {
  const { studio } = props;
  const [recordings, setRecordings] = useState<RecordingSummary[]>();
  const [open, setOpen] = useState<RecordingManifest>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function refresh() {
    try {
      setRecordings(await studio.listRecordings());
    } catch (e) {
      setError((e as Error).message);
    }
  }

  useEffect(() => {
    void refresh();
    // A recording that just finished (the space ended, the disk filled) appears without a click.
    return studio.onRecordingStatus((status) => {
      if (status.state === 'idle') void refresh();
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refresh is recreated every render; subscribe once per studio
  }, [studio]);

  // A recording still open in main whose page went away (reload, renderer crash) gets no more audio:
  // when its length stops growing, finish it so it joins the library and the next one can start.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const before = await studio.getRecordingStatus();
      if (before.state !== 'recording') return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = await studio.getRecordingStatus();
      if (cancelled || after.id !== before.id || after.seconds !== before.seconds) return;
      const saved = await studio.stopRecording();
      setNotice(`Saved “${saved.title}”: it was still recording when the studio page closed.`);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [studio]);

  async function choose(id: string) {
    setError(undefined);
    try {
      setOpen(await studio.getRecording(id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card library" data-testid="recording-library">
      <div className="player-bar">
        <h2 style={{ flex: 1, margin: 0 }}>Recordings</h2>
        <button data-testid="library-refresh" onClick={() => void refresh()}>Refresh</button>
      </div>
      {error && <p className="warning" role="alert">{error}</p>}
      {notice && <p className="recording-message" role="status">{notice}</p>}
      {recordings?.length === 0 && <p className="empty">No recordings yet. Press Record while you are live.</p>}
      {recordings && recordings.length > 0 && (
        <table>
          <thead>
            <tr><th>Title</th><th>Date</th><th>Length</th><th>Speakers</th><th>Size</th></tr>
          </thead>
          <tbody>
            {recordings.map((r) => (
              <tr key={r.id} data-testid="library-row" className={open?.id === r.id ? 'selected' : ''} onClick={() => void choose(r.id)}>
                <td>
                  {r.title}
                  {r.recovered && <span className="badge-recovered" title="Interrupted by a crash and repaired">recovered</span>}
                </td>
                <td>{date(r.startedAt)}</td>
                <td>{formatClock(r.durationSec)}</td>
                <td>{r.speakers.join(', ')}</td>
                <td>{bytes(r.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <RecordingPlayer key={open.id} studio={studio} manifest={open} />}
    </section>
  );
}
