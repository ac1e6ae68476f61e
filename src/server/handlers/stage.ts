// The Stage: invitations, stepping down, moving people back to the audience, co-hosts, the host's role.
import { stage } from '../../shared/protocol/stage.js';
import { DONE, handlersFor } from './context.js';

export const stageHandlers = handlersFor(stage, {
  async 'stage.invite'({ space, member, target }, { as }) {
    space.stage.invite(member, target, as);
    return DONE;
  },

  async 'stage.answer'({ space, member }, { accept }) {
    space.stage.answerInvitation(member, accept);
    return DONE;
  },

  async 'stage.leave'({ space, member }) {
    space.stage.stepDown(member);
    return DONE;
  },

  async 'stage.remove'({ space, member, target }) {
    space.stage.moveToAudience(member, target);
    return DONE;
  },

  async 'cohost.promote'({ space, member, target }) {
    space.stage.promote(member, target);
    return DONE;
  },

  async 'cohost.demote'({ space, member, target }) {
    space.stage.demote(member, target);
    return DONE;
  },

  async 'host.transfer'({ space, member, target }) {
    space.stage.transferHost(member, target);
    return DONE;
  },
});
