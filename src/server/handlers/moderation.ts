// Muting, removing, blocking and reporting people.
import { moderation } from '../../shared/protocol/moderation.js';
import { DONE, handlersFor, mediaCall } from './context.js';

export const moderationHandlers = handlersFor(moderation, {
  async 'member.mute'({ space, member, target }) {
    await mediaCall('muting', () => space.moderation.mute(member, target));
    return DONE;
  },

  async 'stage.muteAll'({ space, member }) {
    return { muted: await mediaCall('muting everyone', () => space.moderation.muteAll(member)) };
  },

  async 'member.remove'({ space, member, target }) {
    space.moderation.removeFromSpace(member, target);
    return DONE;
  },

  async 'member.block'({ space, member, target }) {
    space.moderation.block(member, target);
    return DONE;
  },

  async 'member.report'({ space, member, target }, { reason }) {
    return { reportId: space.moderation.report(member, target, reason) };
  },
});
