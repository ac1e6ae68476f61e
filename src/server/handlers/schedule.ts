// Watching a Space's page, and starting a scheduled Space (src/shared/protocol/schedule.ts).
import { ProtocolError } from '../../shared/errors.js';
import { schedule } from '../../shared/protocol/schedule.js';
import { handlersFor } from './context.js';

export const scheduleHandlers = handlersFor(schedule, {
  async 'space.watch'(ctx, { spaceId }) {
    const pages = ctx.sfu.schedule.pages;
    const page = await pages.page(spaceId);
    if (!page) throw new ProtocolError('not_found', 'no Space has that link');
    // One watch per Space per connection; the socket closing ends it.
    const stop = pages.watch(spaceId, ctx.push);
    ctx.whenClosed(stop);
    return { page, viewer: await pages.viewer(spaceId, ctx.account?.accountId) };
  },

  async 'space.start'(ctx, { spaceId, hostName, studioKey, userToken, captions }) {
    ctx.sfu.checkStudioKey(studioKey);
    const { space, hostToken, listenerInvite } = await ctx.sfu.schedule.start(ctx.account.accountId, { spaceId, hostName, ...(userToken ? { userToken } : {}), ...(captions !== undefined ? { captions } : {}) });
    return { spaceId: space.id, hostToken, listenerInvite, listenPath: `/listen/${space.id}` };
  },
});
