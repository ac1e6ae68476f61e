// Handlers of profiles and follows (src/shared/http/profiles.ts).
import type { PublicProfile } from '../../../shared/accounts.js';
import { ApiError } from '../../../shared/http/errors.js';
import { type profileRoutes } from '../../../shared/http/profiles.js';
import { toMe } from '../../accounts/AccountService.js';
import { StoreError } from '../../store/StoreError.js';
import type { Platform } from '../../Platform.js';
import { signedIn, type ApiContext, type RouteHandlers } from '../handler.js';

/** A profile as anyone sees it; suspended accounts have no public page. */
async function publicProfile(platform: Platform, handle: string, viewerId: string | undefined): Promise<PublicProfile & { accountId: string }> {
  const profile = await platform.store.repos.profiles.byHandle(handle);
  if (!profile || profile.banned) throw new ApiError('not_found', `nobody has the handle @${handle}`);
  const counts = await platform.store.repos.follows.counts(profile.accountId);
  const youFollow = viewerId ? await platform.store.repos.follows.isFollowing(viewerId, profile.accountId) : false;
  return { accountId: profile.accountId, handle: profile.handle, displayName: profile.displayName, bio: profile.bio, ...counts, youFollow };
}

const withoutId = ({ accountId: _, ...rest }: PublicProfile & { accountId: string }): PublicProfile => rest;

async function followTarget(ctx: ApiContext, handle: string): Promise<string> {
  const target = await publicProfile(ctx.platform, handle, undefined);
  if (target.accountId === signedIn(ctx).account.id) throw new ApiError('conflict', 'you cannot follow yourself');
  return target.accountId;
}

export const profileHandlers: RouteHandlers<typeof profileRoutes> = {
  async 'profile.get'(ctx, { params }) {
    return withoutId(await publicProfile(ctx.platform, params.handle, ctx.actor?.account.id));
  },

  async 'profile.update'(ctx, { body }) {
    const who = signedIn(ctx);
    try {
      const profile = await ctx.platform.store.repos.profiles.update(who.account.id, body, Date.now());
      if (!profile) throw new ApiError('not_found', 'your profile is missing');
      return { me: toMe(who.account, profile) };
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') throw new ApiError('conflict', `@${body.handle} is taken`, { field: 'handle' });
      throw error;
    }
  },

  async 'follow.add'(ctx, { params }) {
    const followee = await followTarget(ctx, params.handle);
    await ctx.platform.store.repos.follows.follow(signedIn(ctx).account.id, followee, Date.now());
    return withoutId(await publicProfile(ctx.platform, params.handle, signedIn(ctx).account.id));
  },

  async 'follow.remove'(ctx, { params }) {
    const followee = await followTarget(ctx, params.handle);
    await ctx.platform.store.repos.follows.unfollow(signedIn(ctx).account.id, followee);
    return withoutId(await publicProfile(ctx.platform, params.handle, signedIn(ctx).account.id));
  },

  async 'follow.list'(ctx, { query }) {
    const following = await ctx.platform.store.repos.follows.following(signedIn(ctx).account.id, query.limit);
    return { following: following.map((p) => ({ handle: p.handle, displayName: p.displayName })) };
  },
};
