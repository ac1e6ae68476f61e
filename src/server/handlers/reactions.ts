// Emoji reactions.
import { reactions } from '../../shared/protocol/reactions.js';
import { DONE, handlersFor } from './context.js';

export const reactionHandlers = handlersFor(reactions, {
  async 'reaction.send'({ space, member }, { reaction }) {
    space.reactions.react(member, reaction);
    return DONE;
  },
});
