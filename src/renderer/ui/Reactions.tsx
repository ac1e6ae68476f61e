// Emoji reactions: buttons to send one, and the recent reactions from everyone, folded by emoji.
import { useEffect, useState } from 'react';
import { REACTIONS, type Reaction } from '../../shared/roles';
import type { RoomClient } from '../room/RoomClient';

/** How long a burst stays on screen. */
const SHOW_MS = 4000;

export function ReactionBar({ room }: { room: RoomClient }) {
  const [error, setError] = useState<string>();
  async function send(reaction: Reaction) {
    try {
      await room.request('reaction.send', { reaction });
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  return (
    <div className="reaction-bar">
      {REACTIONS.map((r) => (
        <button key={r} className="reaction" data-testid="react" onClick={() => void send(r)} aria-label={`React ${r}`}>
          {r}
        </button>
      ))}
      {error && <span className="inline-error">{error}</span>}
    </div>
  );
}

export function ReactionFeed({ room }: { room: RoomClient }) {
  const [items, setItems] = useState<Array<{ key: number; reaction: Reaction; count: number; names: string }>>([]);
  useEffect(() => {
    let key = 0;
    return room.on('reactions', (burst) => {
      const added = Object.entries(burst.counts).map(([reaction, count]) => ({
        key: key++,
        reaction: reaction as Reaction,
        count: count ?? 0,
        names: burst.recent.filter((r) => r.reaction === reaction).map((r) => r.displayName).slice(-3).join(', '),
      }));
      setItems((current) => [...current, ...added].slice(-12));
      setTimeout(() => setItems((current) => current.filter((i) => !added.includes(i))), SHOW_MS);
    });
  }, [room]);
  return (
    <div className="reaction-feed" data-testid="reaction-feed" aria-live="polite">
      {items.map((i) => (
        <span key={i.key} className="reaction-item" title={i.names}>
          {i.reaction}
          {i.count > 1 ? ` ×${i.count}` : ''}
        </span>
      ))}
    </div>
  );
}
