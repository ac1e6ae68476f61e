// The directory at /: who is live now and what is coming, only public Spaces; signed in, the hosts
// you follow with their live ring, and Remind me on each upcoming Space. Refreshes on its own.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Me } from '../../shared/accounts';
import { ApiClient } from '../../shared/http/client';
import type { Directory } from '../../shared/schedule';
import { useServerClock } from '../ui/when';
import { DirectoryView } from './DirectoryView';

const REFRESH_MS = 10_000;

export function DirectoryApp() {
  const api = useMemo(() => new ApiClient(), []);
  const [directory, setDirectory] = useState<Directory>();
  const [me, setMe] = useState<Me | null>();
  const [error, setError] = useState<string>();
  const now = useServerClock(directory?.serverTime);

  const load = useCallback(() => {
    api.call('directory.get').then(
      (d) => {
        setDirectory(d);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);

  useEffect(() => {
    load();
    void api.call('account.me').then(({ me }) => setMe(me), () => setMe(null));
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, load]);

  const toggleReminder = (spaceId: string, reminded: boolean) => {
    const call = reminded ? api.call('reminder.remove', { params: { spaceId } }) : api.call('reminder.set', { params: { spaceId }, body: {} });
    call.then(load, (e: Error) => setError(e.message));
  };

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/">Hostline</a>
        <span className="space-title">Live now and upcoming</span>
        <span className="runtime">
          {me ? <a href={`/@${me.handle}`} data-testid="signed-in-as">@{me.handle}</a> : me === null ? <a href="/signin?next=/">Sign in</a> : null}
        </span>
      </header>
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      <main className="discover-main">
        {directory ? (
          <DirectoryView directory={directory} now={now} actions={me ? { toggleReminder } : { signInLink: '/signin?next=/' }} />
        ) : (
          <p>Loading…</p>
        )}
      </main>
    </div>
  );
}
