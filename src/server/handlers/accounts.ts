// Signing a connection in to an account with a session token (the studio; pages use their cookie).
import { ProtocolError } from '../../shared/errors.js';
import { accounts } from '../../shared/protocol/accounts.js';
import { handlersFor } from './context.js';

export const accountHandlers = handlersFor(accounts, {
  async 'account.authenticate'(ctx, { token }) {
    const signedIn = await ctx.sfu.platform.accounts.authenticate(token);
    if (!signedIn) throw new ProtocolError('unauthenticated', 'that session has ended or the account is suspended; sign in again');
    const account = {
      accountId: signedIn.account.id,
      handle: signedIn.profile.handle,
      displayName: signedIn.profile.displayName,
      role: signedIn.account.role,
    };
    ctx.signIn(account);
    return account;
  },
});
