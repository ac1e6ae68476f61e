// A host's picture (their initial) in a ring: the purple live ring when they are live, and then a
// click joins the live Space.
import type { Person } from '../../shared/schedule';

export function HostBubble({ person, liveSpaceId, size = 'normal' }: { person: Person | null; liveSpaceId?: string | null; size?: 'normal' | 'big' }) {
  const initial = (person?.displayName ?? '?').slice(0, 1).toUpperCase();
  const bubble = (
    <span className={`host-bubble ${size}${liveSpaceId ? ' live-ring' : ''}`} title={liveSpaceId ? `${person?.displayName ?? 'Host'} is live: join` : (person?.displayName ?? '')}>
      <span className="host-initial">{initial}</span>
      {liveSpaceId && <span className="live-tag">LIVE</span>}
    </span>
  );
  if (!liveSpaceId) return bubble;
  return (
    <a className="host-bubble-link" href={`/s/${liveSpaceId}`} data-testid={`live-ring-${person?.handle ?? 'host'}`}>
      {bubble}
    </a>
  );
}
