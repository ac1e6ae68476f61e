// Handlers of scheduling, reminders and the directory (src/shared/http/schedule.ts).
import { ApiError } from '../../../shared/http/errors.js';
import { type scheduleRoutes } from '../../../shared/http/schedule.js';
import { signedIn, type ApiContext, type RouteHandlers } from '../handler.js';

async function pageAndViewer(ctx: ApiContext, spaceId: string) {
  const pages = ctx.schedule.pages;
  const page = await pages.page(spaceId);
  if (!page) throw new ApiError('not_found', 'no Space has that link');
  return { page, viewer: await pages.viewer(spaceId, ctx.actor?.account.id) };
}

/** Reminders are for Spaces still to start. */
async function remindable(ctx: ApiContext, spaceId: string) {
  const space = await ctx.platform.store.repos.schedule.get(spaceId);
  if (!space) throw new ApiError('not_found', 'that Space was not scheduled; reminders are for scheduled Spaces');
  if (space.status !== 'scheduled') throw new ApiError('conflict', space.status === 'live' ? 'it is live now: listen instead' : `this Space was ${space.status}`);
  return space;
}

export const scheduleHandlers: RouteHandlers<typeof scheduleRoutes> = {
  async 'schedule.create'(ctx, { body }) {
    return ctx.schedule.create(signedIn(ctx).account.id, body);
  },

  async 'schedule.mine'(ctx) {
    const schedule = ctx.schedule;
    return {
      spaces: await schedule.mine(signedIn(ctx).account.id),
      limits: { ...schedule.limits, reminderLeadMs: schedule.reminderLeadMs, missedAfterMs: schedule.missedAfterMs },
      serverTime: ctx.platform.clock.now(),
    };
  },

  async 'schedule.update'(ctx, { params, body }) {
    return ctx.schedule.update(signedIn(ctx).account.id, params.spaceId, body);
  },

  async 'schedule.cancel'(ctx, { params }) {
    return ctx.schedule.cancel(signedIn(ctx).account.id, params.spaceId);
  },

  async 'space.page'(ctx, { params }) {
    return pageAndViewer(ctx, params.spaceId);
  },

  async 'reminder.set'(ctx, { params }) {
    const space = await remindable(ctx, params.spaceId);
    const who = signedIn(ctx).account.id;
    if (space.hostId === who) throw new ApiError('conflict', 'you host this Space; you are reminded anyway');
    if (await ctx.platform.store.repos.schedule.remind(space.id, who, ctx.platform.clock.now())) await ctx.schedule.pages.publish(space.id);
    return pageAndViewer(ctx, space.id);
  },

  async 'reminder.remove'(ctx, { params }) {
    if (await ctx.platform.store.repos.schedule.unremind(params.spaceId, signedIn(ctx).account.id)) await ctx.schedule.pages.publish(params.spaceId);
    return pageAndViewer(ctx, params.spaceId);
  },

  async 'reminder.stopByLink'(ctx, { body }) {
    const schedule = ctx.schedule;
    const named = (await schedule.notices.links()).verify(body.token);
    if (!named) throw new ApiError('gone', 'that link is not valid (it may have been cut short by the mail program)');
    const space = await ctx.platform.store.repos.schedule.get(named.spaceId);
    if (!space) throw new ApiError('not_found', 'that Space is gone');
    if (await ctx.platform.store.repos.schedule.unremind(space.id, named.accountId)) await schedule.pages.publish(space.id);
    return { spaceId: space.id, title: space.title };
  },

  async 'directory.get'(ctx) {
    return ctx.schedule.pages.directory(ctx.actor?.account.id);
  },

  async 'profile.spaces'(ctx, { params }) {
    const found = await ctx.schedule.pages.profileSpaces(params.handle, ctx.actor?.account.id);
    if (!found) throw new ApiError('not_found', `nobody has the handle @${params.handle}`);
    return found;
  },
};
