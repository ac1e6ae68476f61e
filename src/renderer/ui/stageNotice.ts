// What to tell a person when the server announces a Stage change: in their own words when it is about
// them ("You are on stage"), in the third person when it is about someone else ("Grace stepped down").
import type { StageChange } from '../../shared/protocol';
import { isOnStage, type Role } from '../../shared/roles';

const onStage = (role: Role | null) => role !== null && isOnStage(role);

/** The line to show for `change`, seen by the member `selfId`; undefined when nothing is worth saying. */
export function stageNotice(change: StageChange, selfId: string | undefined): string | undefined {
  const { from, to, cause } = change;
  const mine = change.memberId === selfId;
  const name = change.displayName;
  // The host coming in with the Space is no news.
  if (cause === 'joined') return undefined;
  if (to === 'host') return mine ? 'You are the host now.' : `${name} is the host now.`;
  if (onStage(to) && !onStage(from)) {
    if (mine) return `${cause === 'approved' ? 'A host approved your request. ' : ''}You are on stage. Everyone hears you now.`;
    return cause === 'invited' ? `${name} accepted the invitation and is on stage.` : `${name} is on stage.`;
  }
  if (onStage(from) && to === 'listener') {
    if (mine) return cause === 'moved_to_audience' || cause === 'demoted' ? 'A host moved you back to the audience.' : 'You are back in the audience.';
    if (cause === 'stepped_down') return `${name} stepped down to the audience.`;
    if (cause === 'demoted') return `${name} is back in the audience (no speaker seat was free).`;
    return `${name} is back in the audience.`;
  }
  if (onStage(from) && to === null && !mine) {
    if (cause === 'removed') return `${name} was removed from the space.`;
    if (cause === 'dropped') return `${name} lost their connection and left the stage.`;
    return `${name} left the space.`;
  }
  if (cause === 'promoted') return mine ? 'You are a co-host now.' : `${name} is a co-host now.`;
  if (cause === 'demoted') return mine ? 'You are a speaker again.' : `${name} is a speaker again.`;
  return undefined;
}
