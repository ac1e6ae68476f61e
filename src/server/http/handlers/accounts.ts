// Handlers of the accounts API (src/shared/http/accounts.ts).
import { type accountRoutes } from '../../../shared/http/accounts.js';
import { toMe } from '../../accounts/AccountService.js';
import { signedIn, type RouteHandlers } from '../handler.js';

export const accountHandlers: RouteHandlers<typeof accountRoutes> = {
  async 'account.signUp'(ctx, { body }) {
    ctx.limitAccount('signUp', body.email);
    return ctx.platform.accounts.signUp(body);
  },

  async 'account.confirm'(ctx, { body }) {
    const { me, secret } = await ctx.platform.accounts.confirm(body.token, body.handle, ctx.client);
    ctx.setSessionCookie(secret);
    return { me };
  },

  async 'account.signIn'(ctx, { body }) {
    ctx.limitAccount('signIn', body.email);
    const { me, secret } = await ctx.platform.accounts.signIn(body.email, body.password, body.client, ctx.client);
    ctx.clearAccountLimit('signIn', body.email);
    if (body.client === 'studio') return { me, token: secret };
    ctx.setSessionCookie(secret);
    return { me };
  },

  async 'account.signOut'(ctx) {
    if (ctx.sessionSecret) await ctx.platform.accounts.signOut(ctx.sessionSecret);
    ctx.setSessionCookie(null);
    return {};
  },

  async 'account.signOutEverywhere'(ctx) {
    const ended = await ctx.platform.accounts.signOutEverywhere(signedIn(ctx).account.id);
    ctx.setSessionCookie(null);
    return { ended };
  },

  async 'account.me'(ctx) {
    return { me: ctx.actor ? toMe(ctx.actor.account, ctx.actor.profile) : null };
  },

  async 'account.requestReset'(ctx, { body }) {
    ctx.limitAccount('resetRequest', body.email);
    return ctx.platform.accounts.requestReset(body.email);
  },

  async 'account.reset'(ctx, { body }) {
    const { me, secret } = await ctx.platform.accounts.reset(body.token, body.password, ctx.client);
    ctx.setSessionCookie(secret);
    return { me };
  },

  async 'account.changePassword'(ctx, { body }) {
    const who = signedIn(ctx);
    ctx.limitAccount('signIn', who.account.email);
    await ctx.platform.accounts.changePassword(who, body.current, body.password);
    return {};
  },
};
