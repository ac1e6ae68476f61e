// The Space page, /s/<id>: the share link before, during and after a Space. Before it starts: title,
// host, description, the start in the viewer's own time zone, a live countdown, how many set a
// reminder, Remind me (signed in), Add to calendar (anyone), Follow. When the host goes live the
// page turns into the listener page by itself. A mailed stop link (?unremind=) stops reminders.
import { useEffect, useMemo, useState } from 'react';
import { ListenerApp } from '../listener/ListenerApp';
import { ReplayView } from '../replay/ReplayView';
import { useReplayStatus } from '../replay/replayStatus';
import { HostBubble } from '../ui/HostBubble';
import { formatCountdown, formatStart, useServerClock } from '../ui/when';
import { SpacePageSession, type SpacePageState } from './SpacePageSession';

function readLink() {
  const spaceId = window.location.pathname.split('/').filter(Boolean)[1] ?? '';
  const unremind = new URLSearchParams(window.location.search).get('unremind');
  // A speaker invitation link carries its own invitation (it may let its holder ask to speak).
  const invite = new URLSearchParams(window.location.hash.slice(1)).get('invite');
  return { spaceId, unremind, invite };
}

function useSession(spaceId: string): [SpacePageSession, SpacePageState] {
  const session = useMemo(() => {
    const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
    return new SpacePageSession(spaceId, wsUrl);
  }, [spaceId]);
  const [state, setState] = useState(session.state);
  useEffect(() => {
    const off = session.on('changed', setState);
    void session.open();
    return () => {
      off();
      session.close();
    };
  }, [session]);
  return [session, state];
}

function StopReminders({ session, token }: { session: SpacePageSession; token: string }) {
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  return (
    <section className="card" data-testid="stop-reminders">
      {done ? (
        <p data-testid="stopped">No more reminders for “{done}”.</p>
      ) : (
        <>
          <p>Stop the reminders for this Space that come to your email?</p>
          <button className="primary" data-testid="stop-reminders-button" onClick={() => void session.stopByLink(token).then(setDone, (e: Error) => setError(e.message))}>
            Stop reminding me
          </button>
          {error && <p className="form-problem">{error}</p>}
        </>
      )}
    </section>
  );
}

export function SpacePageApp() {
  const [{ spaceId, unremind, invite }] = useState(readLink);
  const [session, { page, viewer, missing, offline }] = useSession(spaceId);
  const now = useServerClock(page?.serverTime);
  const [error, setError] = useState<string>();
  const run = (action: () => Promise<void>) => {
    setError(undefined);
    action().catch((e: Error) => setError(e.message));
  };

  // Live: this page is the listener page now, and stays it (the listener page tells of the end itself).
  // A speaker invitation in the link wins over the page's own.
  const [liveInvite, setLiveInvite] = useState<string>();
  // Over: the Space's own link plays its replay once there is one.
  const replay = useReplayStatus(page?.status === 'ended' ? spaceId : '', page?.status);
  const wentLive = page?.status === 'live' && (page.live || invite) ? (invite ?? page.live!.invite) : undefined;
  useEffect(() => {
    if (wentLive) setLiveInvite((current) => current ?? wentLive);
  }, [wentLive]);
  if (liveInvite ?? wentLive) return <ListenerApp invite={liveInvite ?? wentLive} />;
  const showReplay = page?.status === 'ended' && replay !== undefined && replay !== 'recording';

  const signInLink = `/signin?next=${encodeURIComponent(`/s/${spaceId}`)}`;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/">Hostline</a>
        {page && <span className="space-title">{page.title}</span>}
        <span className="runtime">{viewer?.signedIn ? <a href="/account">Your account</a> : <a href={signInLink} data-testid="sign-in">Sign in</a>}</span>
      </header>
      {offline && <div className="banner banner-notice" role="status">Reconnecting…</div>}
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      <main className="listener-main">
        {unremind && <StopReminders session={session} token={unremind} />}
        {missing && (
          <section className="card">
            <h1>No Space here</h1>
            <p data-testid="space-missing">{missing}. Check the link with whoever shared it.</p>
          </section>
        )}
        {!page && !missing && <p>Loading…</p>}
        {page && (
          <section className="card space-page" data-testid="space-page">
            <div className="host-line">
              <HostBubble person={page.host} size="big" />
              <div>
                <h1 data-testid="page-title">{page.title}</h1>
                {page.host && (
                  <a href={`/@${page.host.handle}`} data-testid="page-host">
                    {page.host.displayName} · @{page.host.handle}
                  </a>
                )}
              </div>
            </div>
            {page.description && <p className="description" data-testid="page-description">{page.description}</p>}
            {page.status === 'scheduled' && page.startsAt !== null && (
              <>
                <p data-testid="page-start">Starts {formatStart(page.startsAt)}</p>
                <div className="countdown" data-testid="countdown">{formatCountdown(page.startsAt - now)}</div>
                <p data-testid="reminder-count">
                  {page.reminderCount} {page.reminderCount === 1 ? 'person has' : 'people have'} set a reminder
                </p>
                <div className="actions">
                  {viewer?.isHost ? (
                    <p>You host this Space: start it from Hostline Studio.</p>
                  ) : viewer?.signedIn ? (
                    viewer.reminded ? (
                      <button data-testid="remind" onClick={() => run(() => session.unremind())}>Reminder set ✓ (undo)</button>
                    ) : (
                      <button className="primary" data-testid="remind" onClick={() => run(() => session.remind())}>Remind me</button>
                    )
                  ) : (
                    <a className="button primary" href={signInLink} data-testid="remind-sign-in">Sign in for reminders</a>
                  )}
                  <a className="button" href={`/s/${spaceId}/calendar.ics`} data-testid="add-to-calendar" download>Add to calendar</a>
                  {viewer?.signedIn && !viewer.isHost && page.host && (
                    <button data-testid="follow-host" onClick={() => run(() => session.setFollowing(!viewer.following))}>
                      {viewer.following ? `Following ${page.host.displayName}` : `Follow ${page.host.displayName}`}
                    </button>
                  )}
                </div>
                {viewer?.reminded && <p className="form-hint" data-testid="reminder-note">We will email you 30 minutes before and when it goes live. This page turns live by itself.</p>}
              </>
            )}
            {page.status === 'live' && !page.live && <p data-testid="page-live-elsewhere">Live now; connecting…</p>}
            {showReplay && <ReplayView spaceId={spaceId} />}
            {!showReplay && (page.status === 'ended' || page.status === 'missed' || page.status === 'cancelled') && (
              <p data-testid="page-over">
                {page.status === 'ended' ? 'This Space has ended' : page.status === 'missed' ? 'This Space did not start' : 'This Space was cancelled'}
                {page.endReason ? `: ${page.endReason}.` : '.'}
              </p>
            )}
          </section>
        )}
      </main>
    </div>
  );
}
