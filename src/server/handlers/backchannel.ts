// The backchannel (declared in src/shared/protocol/backchannel.ts).
import { backchannel } from '../../shared/protocol/backchannel.js';
import { DONE, handlersFor } from './context.js';

export const backchannelHandlers = handlersFor(backchannel, {
  async 'backchannel.send'({ sfu, space, member }, { text }) {
    return { message: await space.backchannel.send(member, text, sfu.platform.store.repos.backchannel) };
  },
  async 'backchannel.read'({ sfu, space }, { afterSeq }) {
    return { messages: await sfu.platform.store.repos.backchannel.list(space.id, afterSeq ?? 0), producers: space.backchannel.producers() };
  },
  async 'backchannel.producer'({ space, target }, { producer }) {
    space.backchannel.setProducer(target, producer);
    return DONE;
  },
});
