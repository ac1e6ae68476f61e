// The studio's schedule: Schedule a Space, the host's upcoming Spaces (countdown, reminders set,
// edit and reschedule, cancel, Start now, copy the link), and the directory's lists as listeners
// see them. Renders a ScheduleBoard.
import { useEffect, useMemo, useState } from 'react';
import type { HostScheduledSpace } from '../../../shared/schedule';
import type { StudioApi } from '../../../shared/studio-api';
import { DirectoryView } from '../../directory/DirectoryView';
import { formatCountdown, formatStart, useServerClock } from '../../ui/when';
import { ScheduleBoard, type ScheduleBoardState } from './ScheduleBoard';
import { ScheduleForm, toScheduleInput } from './ScheduleForm';

const REFRESH_MS = 15_000;

function useBoard(studio: StudioApi): [ScheduleBoard | undefined, ScheduleBoardState | undefined] {
  const [board, setBoard] = useState<ScheduleBoard>();
  const [state, setState] = useState<ScheduleBoardState>();
  useEffect(() => {
    let stop = () => undefined as void;
    void studio.getSfuEndpoint().then((endpoint) => {
      const made = new ScheduleBoard(endpoint);
      const off = made.on('changed', setState);
      void made.load();
      const timer = setInterval(() => void made.load(), REFRESH_MS);
      stop = () => {
        off();
        clearInterval(timer);
      };
      setBoard(made);
    });
    return () => stop();
  }, [studio]);
  return [board, state];
}

export function SchedulePanel({ studio, canStart, onStartNow }: { studio: StudioApi; canStart: boolean; onStartNow: (space: HostScheduledSpace) => void }) {
  const [board, state] = useBoard(studio);
  const now = useServerClock(state?.serverTime);
  const [editing, setEditing] = useState<HostScheduledSpace>();
  const [showForm, setShowForm] = useState(false);
  const [copied, setCopied] = useState<string>();
  const [error, setError] = useState<string>();
  const upcoming = useMemo(() => state?.spaces ?? [], [state]);
  if (!board || !state) return null;
  const maxDays = state.limits?.maxDaysAhead ?? 30;

  async function cancel(space: HostScheduledSpace) {
    if (!window.confirm(`Cancel “${space.title}”? Everyone with a reminder gets an email.`)) return;
    setError(undefined);
    await board!.cancel(space.spaceId).catch((e: Error) => setError(e.message));
  }

  async function copy(space: HostScheduledSpace) {
    await navigator.clipboard?.writeText(board!.shareLink(space)).catch(() => undefined);
    setCopied(space.spaceId);
    setTimeout(() => setCopied(undefined), 1500);
  }

  return (
    <section className="studio-schedule">
      <section className="card">
        <h2>Your schedule</h2>
        {state.error && <p className="form-problem">{state.error}</p>}
        {error && <p className="form-problem" role="alert">{error}</p>}
        {!canStart && upcoming.some((s) => s.status === 'scheduled') && (
          <p className="hint" data-testid="start-now-hint">To start one now, type your name above and connect a microphone.</p>
        )}
        {upcoming.length === 0 ? (
          <p className="empty" data-testid="schedule-empty">Nothing scheduled. Schedule a Space and share its link: listeners can set reminders before it starts.</p>
        ) : (
          <ul className="schedule-list" data-testid="schedule-list">
            {upcoming.map((space) => (
              <li className="schedule-item" key={space.spaceId} data-testid={`scheduled-${space.spaceId}`}>
                <div>
                  <strong data-testid="scheduled-title">{space.title}</strong>
                  <div className="when">
                    {formatStart(space.startsAt, space.timeZone)} · <span data-testid="scheduled-countdown">{space.status === 'scheduled' ? formatCountdown(space.startsAt - now) : ''}</span> ·{' '}
                    <span data-testid="scheduled-reminders">{space.reminderCount} {space.reminderCount === 1 ? 'reminder' : 'reminders'} set</span> · {space.visibility}
                    {space.cohosts.length > 0 && ` · with ${space.cohosts.map((c) => `@${c.handle}`).join(', ')}`}
                  </div>
                </div>
                <span className={`status-pill status-${space.status}`}>{space.status}</span>
                {space.status === 'scheduled' && (
                  <div className="buttons">
                    <button className="primary" data-testid="start-now" disabled={!canStart} onClick={() => onStartNow(space)}>Start now</button>
                    <button data-testid="edit-scheduled" onClick={() => { setEditing(space); setShowForm(false); }}>Edit or reschedule</button>
                    <button onClick={() => void copy(space)}>{copied === space.spaceId ? 'Copied' : 'Copy link'}</button>
                    <button className="danger" data-testid="cancel-scheduled" onClick={() => void cancel(space)}>Cancel</button>
                  </div>
                )}
                {editing?.spaceId === space.spaceId && (
                  <div className="buttons">
                    <ScheduleForm
                      editing={space}
                      serverNow={now}
                      maxDaysAhead={maxDays}
                      onClose={() => setEditing(undefined)}
                      onSubmit={async (values) => {
                        await board.update(space.spaceId, toScheduleInput(values));
                        setEditing(undefined);
                      }}
                    />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="actions" style={{ marginTop: 12 }}>
          {!showForm && <button data-testid="schedule-open" onClick={() => { setShowForm(true); setEditing(undefined); }}>Schedule a Space</button>}
        </div>
        {showForm && (
          <div style={{ marginTop: 12 }}>
            <ScheduleForm serverNow={now} maxDaysAhead={maxDays} onClose={() => setShowForm(false)} onSubmit={async (values) => {
              await board.schedule(toScheduleInput(values));
              setShowForm(false);
            }} />
          </div>
        )}
      </section>
      {state.directory && (
        <section className="studio-directory">
          <DirectoryView directory={state.directory} now={now} actions={{ linkBase: board.httpUrl }} />
        </section>
      )}
    </section>
  );
}
