// The replay's requests over signaling (src/shared/protocol.ts): the host turns Replay on or off and
// allows live clips, hosts set markers, anyone cuts a live clip when the host allows it.
import { ProtocolError } from '../../shared/errors.js';
import type { RequestData, ResponseMap } from '../../shared/protocol.js';
import type { HandlerContext } from '../handlers.js';
import type { Member } from '../Member.js';
import type { Space } from '../Space.js';

type ReplayRequest = 'replay.set' | 'replay.mark' | 'replay.liveClip';
type ReplayHandlers = { [T in ReplayRequest]: (ctx: HandlerContext, data: RequestData<T>, joined: { space: Space; member: Member }) => Promise<ResponseMap[T]> };

export const replayHandlers: ReplayHandlers = {
  async 'replay.set'(ctx, { enabled, liveClips }, { space, member }) {
    if (!enabled) {
      if (liveClips !== undefined && space.replay.recording) await ctx.sfu.replays.setLiveClips(space, liveClips);
      return ctx.sfu.replays.disable(space);
    }
    return ctx.sfu.replays.enable(space, { hostName: member.displayName, liveClips });
  },

  async 'replay.mark'(ctx, { title }, { space }) {
    return ctx.sfu.replays.mark(space, title);
  },

  async 'replay.liveClip'(ctx, { title }, { space, member }) {
    if (!space.replay.recording) throw new ProtocolError('conflict', 'this space is not being recorded');
    return ctx.sfu.replays.liveClip(space, member.userId, title);
  },
};
