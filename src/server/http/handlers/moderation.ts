// Handlers of block lists, bans and reports (src/shared/http/moderation.ts).
import { type moderationRoutes } from '../../../shared/http/moderation.js';
import { signedIn, type RouteHandlers } from '../handler.js';

export const moderationHandlers: RouteHandlers<typeof moderationRoutes> = {
  async 'block.list'(ctx) {
    return { blocked: await ctx.platform.moderation.blockList(signedIn(ctx).account.id) };
  },

  async 'block.remove'(ctx, { params }) {
    await ctx.platform.moderation.unblock(signedIn(ctx).account.id, params.userId);
    return {};
  },

  async 'admin.ban'(ctx, { body }) {
    return { sessionsEnded: await ctx.platform.accounts.ban(body.handle, body.reason, signedIn(ctx)) };
  },

  async 'admin.unban'(ctx, { params }) {
    await ctx.platform.accounts.unban(params.handle);
    return {};
  },

  async 'admin.reports'(ctx, { query }) {
    return { reports: await ctx.platform.store.repos.moderation.reports(query.limit) };
  },
};
