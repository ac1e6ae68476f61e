// Hosts find people in the audience by name to invite them on stage (or, for the host, as co-host),
// or to remove them. The search asks the room; the actions go to the caller (the studio's session).
import { useEffect, useState } from 'react';
import type { ResponseMap } from '../../shared/protocol';
import type { RoomClient } from '../room/RoomClient';

type Listener = ResponseMap['space.listeners']['listeners'][number];
export type AudienceAction = 'invite-speaker' | 'invite-cohost' | 'remove';

export function AudiencePanel({
  room,
  isHost,
  listenerCount,
  onAction,
}: {
  room: RoomClient;
  isHost: boolean;
  listenerCount: number;
  onAction: (action: AudienceAction, memberId: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ listeners: Listener[]; total: number }>({ listeners: [], total: 0 });
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      room
        .request('space.listeners', { query, limit: 20 })
        .then((result) => !cancelled && setFound(result))
        .catch((e: Error) => !cancelled && setError(e.message));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [room, query, listenerCount]);

  return (
    <div className="audience">
      <input placeholder="Find a listener by name" value={query} maxLength={48} onChange={(e) => setQuery(e.target.value)} />
      {error && <p className="inline-error">{error}</p>}
      <ul className="audience-list">
        {found.listeners.map((l) => (
          <li key={l.memberId} data-testid="audience-entry">
            <span>{l.displayName}{l.handRaised ? ' ✋' : ''}</span>
            <span className="audience-actions">
              <button className="small" onClick={() => onAction('invite-speaker', l.memberId)}>Invite to speak</button>
              {isHost && <button className="small" onClick={() => onAction('invite-cohost', l.memberId)}>Invite as co-host</button>}
              <button className="small danger" onClick={() => onAction('remove', l.memberId)}>Remove</button>
            </span>
          </li>
        ))}
        {found.total > found.listeners.length && <li className="empty">…and {found.total - found.listeners.length} more; refine the search.</li>}
        {found.total === 0 && <li className="empty">{query ? 'Nobody by that name.' : 'No listeners yet.'}</li>}
      </ul>
    </div>
  );
}
