// The speaker queue for hosts: raised hands in order with how long each has waited, and the actions
// to approve, decline or reorder them.
import type { SpaceSnapshot } from '../../shared/space';
import { formatClock } from './format';

export type QueueAction = 'approve' | 'decline' | 'up' | 'down';

export function QueuePanel({
  snapshot,
  serverNow,
  onAction,
  onApproveNext,
}: {
  snapshot: SpaceSnapshot;
  serverNow: number;
  onAction: (action: QueueAction, memberId: string) => void;
  /** Approves whoever is first in the queue when the server gets the request. */
  onApproveNext: () => void;
}) {
  const queue = snapshot.host?.queue ?? [];
  const speakers = snapshot.stage.filter((m) => m.role === 'speaker').length;
  const full = speakers >= snapshot.policy.maxSpeakers;
  return (
    <div className="queue">
      <div className="queue-head">
        <span data-testid="queue-length">{queue.length === 0 ? 'No raised hands' : `${queue.length} waiting`}</span>
        <span className={`stage-capacity ${full ? 'full' : ''}`}>
          {speakers}/{snapshot.policy.maxSpeakers} speakers{full ? ' · stage full' : ''}
        </span>
        <button className="small primary" data-testid="queue-approve-next" disabled={full || queue.length === 0} onClick={onApproveNext}>
          Approve next
        </button>
      </div>
      <ol className="queue-list" data-testid="queue">
        {queue.map((entry, i) => (
          <li key={entry.memberId} className="queue-entry" data-testid="queue-entry" data-member-id={entry.memberId}>
            <span className="queue-position">{entry.position}</span>
            <span className="queue-name">{entry.displayName}</span>
            <span className="queue-wait" title="Waiting for">{formatClock((serverNow - entry.raisedAt) / 1000)}</span>
            {entry.micCheck && (
              <span className={`mic-badge mic-${entry.micCheck.quality}`} data-testid="mic-badge" title={entry.micCheck.summary}>
                mic {entry.micCheck.quality}
              </span>
            )}
            <span className="queue-actions">
              <button className="small" aria-label="Move up" disabled={i === 0} onClick={() => onAction('up', entry.memberId)}>↑</button>
              <button className="small" aria-label="Move down" disabled={i === queue.length - 1} onClick={() => onAction('down', entry.memberId)}>↓</button>
              <button className="small" data-testid="queue-decline" onClick={() => onAction('decline', entry.memberId)}>Decline</button>
              <button className="small primary" data-testid="queue-approve" disabled={full} title={full ? 'The stage is full' : undefined} onClick={() => onAction('approve', entry.memberId)}>
                Approve
              </button>
            </span>
          </li>
        ))}
      </ol>
      {(snapshot.host?.invited.length ?? 0) > 0 && (
        <p className="invited">Invited, awaiting an answer: {snapshot.host!.invited.map((i) => i.displayName).join(', ')}</p>
      )}
    </div>
  );
}
