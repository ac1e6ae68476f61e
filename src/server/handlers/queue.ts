// The speaker queue: raising and lowering hands, the mic check, and the hosts' answers.
import { queue } from '../../shared/protocol/queue.js';
import { DONE, handlersFor } from './context.js';

export const queueHandlers = handlersFor(queue, {
  async 'queue.raise'({ space, member }) {
    return { position: space.raiseHand(member) };
  },

  async 'queue.lower'({ space, member }) {
    space.lowerHand(member);
    return DONE;
  },

  async 'queue.micCheck'({ space, member }, figures) {
    const { quality, summary } = space.recordMicCheck(member, figures);
    return { quality, summary };
  },

  async 'queue.approve'({ space, member, target }) {
    space.approve(member, target);
    return DONE;
  },

  async 'queue.approveNext'({ space, member }) {
    const approved = space.approveNext(member);
    return { memberId: approved.id, displayName: approved.displayName };
  },

  async 'queue.decline'({ space, member, target }) {
    space.decline(member, target);
    return DONE;
  },

  async 'queue.move'({ space, member, target }, { direction }) {
    return { position: space.moveHand(member, target, direction) };
  },
});
