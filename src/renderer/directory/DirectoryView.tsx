// The directory's lists, shared by the page at / and the studio: the hosts you follow (with the live
// ring), Live now (title, host, listeners, who is on stage, Join) and Upcoming, soonest first (start
// in your zone, countdown, reminders, Remind me, Add to calendar). Rendering only.
import type { Directory } from '../../shared/schedule';
import { HostBubble } from '../ui/HostBubble';
import { formatCountdown, formatStart } from '../ui/when';

export interface DirectoryActions {
  /** Signed in: toggle a reminder; undefined when reminders need a sign-in first. */
  toggleReminder?: (spaceId: string, reminded: boolean) => void;
  signInLink?: string;
  /** Where links open (the studio opens them in the system browser). */
  linkBase?: string;
}

export function DirectoryView({ directory, now, actions }: { directory: Directory; now: number; actions: DirectoryActions }) {
  const base = actions.linkBase ?? '';
  return (
    <>
      {directory.following.length > 0 && (
        <section className="card">
          <h2>People you follow</h2>
          <div className="following-row" data-testid="following">
            {directory.following.map((p) => (
              <div className="following-person" key={p.handle}>
                <HostBubble person={p} liveSpaceId={p.live?.spaceId ?? null} />
                <a href={`${base}/@${p.handle}`}>{p.displayName}</a>
              </div>
            ))}
          </div>
        </section>
      )}
      <section className="card">
        <h2>Live now</h2>
        {directory.live.length === 0 ? (
          <p className="empty" data-testid="no-live">Nobody is live right now.</p>
        ) : (
          <div className="space-cards" data-testid="live-now">
            {directory.live.map((s) => (
              <article className="space-card" key={s.spaceId} data-testid={`live-${s.spaceId}`}>
                <div className="head">
                  <HostBubble person={s.host} liveSpaceId={s.spaceId} />
                  <div>
                    <h3>{s.title}</h3>
                    <span className="meta">{s.host ? `${s.host.displayName} · @${s.host.handle}` : 'Live'}</span>
                  </div>
                </div>
                <span className="meta" data-testid="live-listeners">
                  {s.listenerCount} {s.listenerCount === 1 ? 'listener' : 'listeners'} · on stage: {s.onStage.map((m) => m.displayName).join(', ') || 'nobody yet'}
                </span>
                <div className="actions">
                  <a className="button primary" href={`${base}/s/${s.spaceId}`} data-testid="join">Join</a>
                </div>
              </article>
            ))}
          </div>
        )}
      </section>
      <section className="card">
        <h2>Upcoming</h2>
        {directory.upcoming.length === 0 ? (
          <p className="empty">Nothing scheduled yet.</p>
        ) : (
          <div className="space-cards" data-testid="upcoming">
            {directory.upcoming.map((s) => (
              <article className="space-card" key={s.spaceId} data-testid={`upcoming-${s.spaceId}`}>
                <div className="head">
                  <HostBubble person={s.host} />
                  <div>
                    <h3><a href={`${base}/s/${s.spaceId}`}>{s.title}</a></h3>
                    <span className="meta">{s.host ? `${s.host.displayName} · @${s.host.handle}` : ''}</span>
                  </div>
                </div>
                <span className="meta">{formatStart(s.startsAt)} · {formatCountdown(s.startsAt - now)} · {s.reminderCount} reminded</span>
                <div className="actions">
                  {actions.toggleReminder ? (
                    <button className={s.reminded ? '' : 'primary'} data-testid="remind" onClick={() => actions.toggleReminder!(s.spaceId, s.reminded)}>
                      {s.reminded ? 'Reminder set ✓' : 'Remind me'}
                    </button>
                  ) : actions.signInLink ? (
                    <a className="button primary" href={actions.signInLink}>Sign in to be reminded</a>
                  ) : null}
                  <a className="button" href={`${base}/s/${s.spaceId}/calendar.ics`} download>Add to calendar</a>
                </div>
              </article>
            ))}
          </div>
        )}
      </section>
    </>
  );
}
