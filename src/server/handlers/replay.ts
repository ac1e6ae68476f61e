// The replay's requests while live (src/shared/protocol/replay.ts): the host turns recording on or off
// and allows live clips, hosts set markers, anyone cuts a live clip when the host allows it.
import { ProtocolError } from '../../shared/errors.js';
import { replay } from '../../shared/protocol/replay.js';
import { handlersFor } from './context.js';

export const replayHandlers = handlersFor(replay, {
  async 'replay.set'({ sfu, space, member }, { enabled, liveClips }) {
    if (!enabled) {
      if (liveClips !== undefined && space.replay.recording) await sfu.replays.setLiveClips(space, liveClips);
      return sfu.replays.disable(space);
    }
    return sfu.replays.enable(space, { hostName: member.displayName, liveClips });
  },

  async 'replay.mark'({ sfu, space }, { title }) {
    return sfu.replays.mark(space, title);
  },

  async 'replay.liveClip'({ sfu, space, member }, { title }) {
    if (!space.replay.recording) throw new ProtocolError('conflict', 'this space is not being recorded');
    return sfu.replays.liveClip(space, member.userId, title);
  },
});
