// The studio's top bar: the brand, and while live the title, how long the Space has run and how many
// listen; then the banners (reconnecting, the last error, a notice).
import { useEffect, useState } from 'react';
import { formatClock } from '../../ui/format';
import { ListenerCount } from '../../ui/StageList';
import type { StudioState } from '../StudioSession';

function useElapsed(since: number | undefined): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since ? formatClock((now - since) / 1000) : '0:00';
}

export function TopBar({ state, runtime }: { state: StudioState; runtime: 'electron' | 'browser' }) {
  const { phase, snapshot } = state;
  const elapsed = useElapsed(phase === 'live' ? snapshot?.startedAt : undefined);
  return (
    <>
      <header className="topbar">
        <span className="brand">Hostline <em>Studio</em></span>
        {phase === 'live' && snapshot && (
          <>
            <span className="live-badge">LIVE</span>
            {snapshot.replay.recording && (
              <span className="recorded-mark" data-testid="studio-recorded-mark" title="The server records this space for a replay">● RECORDED</span>
            )}
            <span className="space-title" data-testid="space-title">{snapshot.title}</span>
            <span className="elapsed">{elapsed}</span>
            <ListenerCount count={snapshot.listenerCount} />
          </>
        )}
        <span className="runtime">{runtime === 'electron' ? 'Desktop' : 'Browser'} · embedded SFU</span>
      </header>
      {state.reconnecting && <div className="banner banner-notice" role="status" data-testid="reconnecting">{state.reconnecting}</div>}
      {state.error && <div className="banner banner-error" role="alert">{state.error}</div>}
      {state.notice && <div className="banner banner-notice" role="status">{state.notice}</div>}
    </>
  );
}
