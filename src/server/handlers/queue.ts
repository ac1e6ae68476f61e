// The speaker queue: raising and lowering hands, the mic check, and the hosts' answers.
import { queue } from '../../shared/protocol/queue.js';
import { DONE, handlersFor } from './context.js';

export const queueHandlers = handlersFor(queue, {
  async 'queue.raise'({ space, member }) {
    return { position: space.queue.raise(member) };
  },

  async 'queue.lower'({ space, member }) {
    space.queue.lower(member);
    return DONE;
  },

  async 'queue.micCheck'({ space, member }, figures) {
    const { quality, summary } = space.queue.recordMicCheck(member, figures);
    return { quality, summary };
  },

  async 'queue.approve'({ space, member, target }) {
    space.queue.approve(member, target);
    return DONE;
  },

  async 'queue.approveNext'({ space, member }) {
    const approved = space.queue.approveNext(member);
    return { memberId: approved.id, displayName: approved.displayName };
  },

  async 'queue.decline'({ space, member, target }) {
    space.queue.decline(member, target);
    return DONE;
  },

  async 'queue.move'({ space, member, target }, { direction }) {
    return { position: space.queue.move(member, target, direction) };
  },
});
