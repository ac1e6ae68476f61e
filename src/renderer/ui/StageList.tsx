// The Stage as everyone sees it: host, co-hosts, speakers, with speaking rings, live and muted state,
// and, for hosts, talk time and the moderation actions they may take on each person.
import type { SpaceSnapshot, StageMember } from '../../shared/space';
import { can, type RequestType } from '../../shared/protocol';
import type { Role } from '../../shared/roles';
import { formatClock } from './format';

const ROLE_LABEL = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' } as const;

export type StageAction = 'mute' | 'toAudience' | 'promote' | 'demote' | 'makeHost' | 'remove' | 'block' | 'report';

const ACTION_LABEL: Record<StageAction, string> = {
  mute: 'Mute',
  toAudience: 'To audience',
  promote: 'Make co-host',
  demote: 'Make speaker',
  makeHost: 'Make host',
  remove: 'Remove',
  block: 'Block',
  report: 'Report',
};

/** The request each action sends. */
const REQUEST_OF: Record<StageAction, RequestType> = {
  mute: 'member.mute',
  toAudience: 'stage.remove',
  promote: 'cohost.promote',
  demote: 'cohost.demote',
  makeHost: 'host.transfer',
  remove: 'member.remove',
  block: 'member.block',
  report: 'member.report',
};

/** The actions `viewer` may take on `member`, by the protocol's own rules (`can`); the server checks each again. */
export function stageActions(viewer: Role, member: StageMember, selfId: string): StageAction[] {
  if (member.memberId === selfId) return [];
  const allowed = (action: StageAction) => can(viewer, REQUEST_OF[action], member.role);
  // Someone the viewer may not moderate can only be reported.
  if (!allowed('remove')) return allowed('report') ? ['report'] : [];
  const offered: StageAction[] = [];
  if (!member.muted && member.live) offered.push('mute');
  offered.push('toAudience');
  if (member.role === 'speaker') offered.push('promote');
  if (member.role === 'cohost') offered.push('demote', 'makeHost');
  offered.push('remove', 'block', 'report');
  return offered.filter(allowed);
}

function stateLabel(m: StageMember, speaking: boolean): string {
  if (!m.connected) return 'reconnecting…';
  if (!m.live) return 'not sending';
  if (m.muted) return 'muted';
  return speaking ? 'speaking' : 'on air';
}

export function StageList({
  snapshot,
  speaking,
  selfId,
  onAction,
}: {
  snapshot: SpaceSnapshot;
  /** Who the server hears speaking now (`useSpeaking`). */
  speaking: ReadonlySet<string>;
  selfId?: string;
  onAction?: (action: StageAction, member: StageMember) => void;
}) {
  const viewer = snapshot.you.role;
  const talk = snapshot.host?.talkTimeMs;
  return (
    <ul className="stage" data-testid="stage">
      {snapshot.stage.map((m) => (
        <li key={m.memberId} className={`stage-member ${m.connected ? '' : 'away'}`} data-testid="stage-member" data-member-id={m.memberId}>
          <span className={`avatar ${m.live && !m.muted ? 'avatar-live' : ''} ${speaking.has(m.memberId) && !m.muted ? 'avatar-speaking' : ''}`}>
            {m.displayName.slice(0, 1).toUpperCase()}
          </span>
          <span className="stage-name">
            {m.displayName}
            {m.memberId === selfId ? ' (you)' : ''}
          </span>
          <span className={`role role-${m.role}`}>{ROLE_LABEL[m.role]}</span>
          {talk && <span className="talk-time" title="Talk time">{formatClock((talk[m.memberId] ?? 0) / 1000)}</span>}
          <span className="stage-state" data-testid="stage-state">{stateLabel(m, speaking.has(m.memberId))}</span>
          {onAction && selfId && (
            <span className="stage-actions">
              {stageActions(viewer, m, selfId).map((action) => (
                <button key={action} className={`small ${action === 'remove' || action === 'block' ? 'danger' : ''}`} data-testid={`stage-${action}`} onClick={() => onAction(action, m)}>
                  {ACTION_LABEL[action]}
                </button>
              ))}
            </span>
          )}
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
