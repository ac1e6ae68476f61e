// The Stage as everyone sees it: host, co-hosts, speakers, with live and muted state.
import type { SpaceSnapshot } from '../../shared/space';

const ROLE_LABEL = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' } as const;

export function StageList({ snapshot, selfId }: { snapshot: SpaceSnapshot; selfId?: string }) {
  return (
    <ul className="stage" data-testid="stage">
      {snapshot.stage.map((m) => (
        <li key={m.memberId} className="stage-member" data-testid="stage-member">
          <span className={`avatar ${m.live && !m.muted ? 'avatar-live' : ''}`}>{m.displayName.slice(0, 1).toUpperCase()}</span>
          <span className="stage-name">
            {m.displayName}
            {m.memberId === selfId ? ' (you)' : ''}
          </span>
          <span className={`role role-${m.role}`}>{ROLE_LABEL[m.role]}</span>
          <span className="stage-state">{!m.live ? 'not sending' : m.muted ? 'muted' : 'on air'}</span>
        </li>
      ))}
      {snapshot.stage.length === 0 && <li className="empty">Nobody is on stage.</li>}
    </ul>
  );
}

export function ListenerCount({ count }: { count: number }) {
  return (
    <span className="listener-count" data-testid="listener-count">
      {count} {count === 1 ? 'listener' : 'listeners'}
    </span>
  );
}
