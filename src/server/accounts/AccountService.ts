// Accounts and sessions: sign-up with an emailed confirmation, sign-in, sign-out (here or everywhere),
// password reset by emailed single-use link, suspension. Nothing it answers tells whether an email has
// an account: the mail differs, the answer and its timing do not.
import { ApiError } from '../../shared/http/errors.js';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Me, CheckEmail } from '../../shared/accounts.js';
import type { Logger } from '../logger.js';
import type { Mailer, OutgoingMail } from '../mail/Mailer.js';
import { alreadyRegisteredMail, confirmSignupMail, passwordChangedMail, passwordResetMail } from '../mail/messages.js';
import type { Store } from '../store/Store.js';
import { StoreError } from '../store/StoreError.js';
import type { Account, Profile } from '../store/repositories/AccountRepository.js';
import type { SessionKind } from '../store/repositories/SessionRepository.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { hashSecret, newAccountId, newSecret } from './secrets.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SESSION_TTL_MS: Record<SessionKind, number> = { browser: 30 * DAY, studio: 365 * DAY };
/** Sessions slide forward when used, at most this often (one write a minute, not one per request). */
const TOUCH_EVERY_MS = 60_000;
const RESET_TTL_MS = HOUR;
const SIGNUP_TTL_MS = DAY;
/** At most this many links mailed to one address an hour, whatever anyone asks. */
const MAILS_PER_ADDRESS_HOUR = 5;

const CHECK_EMAIL: CheckEmail = {
  status: 'check_email',
  message: 'If that address can receive it, a message with a link is on its way. Check your inbox.',
};

/** Who is calling: the signed-in account (never a banned one) and their session. */
export interface SignedIn {
  account: Account;
  profile: Profile;
  sessionHash: string;
  sessionKind: SessionKind;
}

export interface ClientInfo {
  address: string;
  userAgent: string;
}

export type AccountServiceEvents = {
  /** An owner suspended the account: whatever it is in now must let it go. */
  suspended: [accountId: string];
};

export class AccountService extends TypedEmitter<AccountServiceEvents> {
  readonly #store: Store;
  readonly #mailer: Mailer;
  readonly #logger: Logger;
  /** Turns a page path (with query) into a full link for mail. */
  readonly #link: (pathAndQuery: string) => string;
  readonly #now: () => number;

  constructor(options: { store: Store; mailer: Mailer; logger: Logger; link: (pathAndQuery: string) => string; now?: () => number }) {
    super();
    this.#store = options.store;
    this.#mailer = options.mailer;
    this.#logger = options.logger;
    this.#link = options.link;
    this.#now = options.now ?? Date.now;
  }

  // ---- sign-up ---------------------------------------------------------------------------------------

  /** Mails a confirmation link (new email) or a sign-in/reset reminder (known email); answers the same. */
  async signUp(input: { email: string; password: string; handle: string; displayName: string }): Promise<CheckEmail> {
    const now = this.#now();
    // Hash first on every path, so a known email answers no faster than a new one.
    const passwordHash = await hashPassword(input.password);
    if (await this.#store.repos.profiles.handleTaken(input.handle)) {
      // Handles are public (/@handle), so saying one is taken reveals nothing about emails.
      throw new ApiError('conflict', `@${input.handle} is taken; choose another handle`, { field: 'handle' });
    }
    const existing = await this.#store.repos.accounts.byEmail(input.email);
    if (!(await this.#underMailCap(input.email, existing?.id, now))) return CHECK_EMAIL;
    if (existing) {
      const resetLink = await this.#newResetLink(existing.id, now);
      this.#sendLater(alreadyRegisteredMail(input.email, this.#link('/signin'), resetLink));
    } else {
      const token = newSecret();
      await this.#store.repos.links.addSignup(hashSecret(token), { ...input, passwordHash }, now, now + SIGNUP_TTL_MS);
      this.#sendLater(confirmSignupMail(input.email, this.#link(`/account/confirm?token=${token}`)));
    }
    return CHECK_EMAIL;
  }

  /** Uses a sign-up link: creates the account and a browser session. A taken handle can be swapped. */
  async confirm(token: string, handle: string | undefined, client: ClientInfo): Promise<{ me: Me; secret: string }> {
    const now = this.#now();
    try {
      return await this.#store.transaction(async (repos) => {
        const pending = await repos.links.takeSignup(hashSecret(token), now);
        if (!pending) throw new ApiError('gone', 'this link was already used or has expired; sign up again');
        if (await repos.accounts.byEmail(pending.email)) throw new ApiError('gone', 'this email already has an account; sign in instead');
        const chosen = handle ?? pending.handle;
        if (await repos.profiles.handleTaken(chosen)) {
          throw new ApiError('conflict', `@${chosen} was taken meanwhile; choose another handle`, { field: 'handle' });
        }
        const { account, profile } = await repos.accounts.create({
          id: newAccountId(),
          email: pending.email,
          passwordHash: pending.passwordHash,
          role: 'member',
          handle: chosen,
          displayName: pending.displayName,
          now,
        });
        const secret = await this.#newSession(repos.sessions, account.id, 'browser', client, now);
        this.#logger.info('account created', { accountId: account.id });
        return { me: toMe(account, profile), secret };
      });
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') throw new ApiError('conflict', 'that handle was just taken; choose another', { field: 'handle' });
      throw error;
    }
  }

  // ---- sessions --------------------------------------------------------------------------------------

  async signIn(email: string, password: string, kind: SessionKind, client: ClientInfo): Promise<{ me: Me; secret: string }> {
    const now = this.#now();
    const account = await this.#store.repos.accounts.byEmail(email);
    // An unknown email still costs one hash, so timing does not tell it apart from a wrong password.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !ok) throw new ApiError('unauthenticated', 'that email and password do not match an account');
    if (account.bannedAt !== null) throw new ApiError('banned', 'this account is suspended');
    if (needsRehash(account.passwordHash)) await this.#store.repos.accounts.setPassword(account.id, await hashPassword(password), account.passwordChangedAt);
    const profile = await this.#profileOf(account.id);
    const secret = await this.#newSession(this.#store.repos.sessions, account.id, kind, client, now);
    this.#logger.info('signed in', { accountId: account.id, kind });
    return { me: toMe(account, profile), secret };
  }

  /** The account a session secret belongs to, or undefined (unknown, expired, or suspended). */
  async authenticate(secret: string): Promise<SignedIn | undefined> {
    const now = this.#now();
    const sessionHash = hashSecret(secret);
    const session = await this.#store.repos.sessions.find(sessionHash, now);
    if (!session) return undefined;
    const account = await this.#store.repos.accounts.byId(session.accountId);
    if (!account || account.bannedAt !== null) return undefined;
    const profile = await this.#store.repos.profiles.byAccount(account.id);
    if (!profile) return undefined;
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      await this.#store.repos.sessions.touch(sessionHash, now, now + SESSION_TTL_MS[session.kind]);
    }
    return { account, profile, sessionHash, sessionKind: session.kind };
  }

  async signOut(secret: string): Promise<void> {
    await this.#store.repos.sessions.delete(hashSecret(secret));
  }

  async signOutEverywhere(accountId: string): Promise<number> {
    const ended = await this.#store.repos.sessions.deleteForAccount(accountId);
    this.#logger.info('signed out everywhere', { accountId, ended });
    return ended;
  }

  /** A long-lived session for a studio (the embedded one signs its owner in this way). */
  async studioSession(accountId: string, client: ClientInfo): Promise<string> {
    return this.#newSession(this.#store.repos.sessions, accountId, 'studio', client, this.#now());
  }

  // ---- passwords -------------------------------------------------------------------------------------

  async requestReset(email: string): Promise<CheckEmail> {
    const now = this.#now();
    const account = await this.#store.repos.accounts.byEmail(email);
    if (account && account.bannedAt === null && (await this.#underMailCap(email, account.id, now))) {
      const link = await this.#newResetLink(account.id, now);
      this.#sendLater(passwordResetMail(email, link));
    }
    return CHECK_EMAIL;
  }

  /** Sets a new password with a reset link; every session ends, and this browser is signed in. */
  async reset(token: string, password: string, client: ClientInfo): Promise<{ me: Me; secret: string }> {
    const now = this.#now();
    const passwordHash = await hashPassword(password);
    const accountId = await this.#store.repos.links.takeReset(hashSecret(token), now);
    if (!accountId) throw new ApiError('gone', 'this reset link was already used or has expired; ask for a new one');
    const account = await this.#store.repos.accounts.byId(accountId);
    if (!account || account.bannedAt !== null) throw new ApiError('gone', 'this reset link is no longer valid');
    const secret = await this.#store.transaction(async (repos) => {
      await repos.accounts.setPassword(accountId, passwordHash, now);
      await repos.sessions.deleteForAccount(accountId);
      return this.#newSession(repos.sessions, accountId, 'browser', client, now);
    });
    this.#sendLater(passwordChangedMail(account.email));
    this.#logger.info('password reset', { accountId });
    return { me: toMe({ ...account, passwordHash }, await this.#profileOf(accountId)), secret };
  }

  /** Changes the password (the current one proves it is them); other sessions end, this one stays. */
  async changePassword(who: SignedIn, current: string, password: string): Promise<void> {
    if (!(await verifyPassword(current, who.account.passwordHash))) throw new ApiError('unauthenticated', 'the current password is wrong', { field: 'current' });
    const now = this.#now();
    const passwordHash = await hashPassword(password);
    await this.#store.transaction(async (repos) => {
      await repos.accounts.setPassword(who.account.id, passwordHash, now);
      await repos.sessions.deleteOthers(who.account.id, who.sessionHash);
    });
    this.#sendLater(passwordChangedMail(who.account.email));
  }

  // ---- owners ----------------------------------------------------------------------------------------

  /**
   * The local owner account, created on first start (the embedded studio signs in as it, no typing).
   * Its password is random and unknown; a reset mail to its address sets one.
   */
  async ensureOwner(init: { email: string; handle: string; displayName: string }): Promise<Account> {
    const existing = await this.#store.repos.accounts.firstOwner();
    if (existing) return existing;
    let handle = init.handle;
    for (let n = 2; await this.#store.repos.profiles.handleTaken(handle); n++) handle = `${init.handle.slice(0, 26)}_${n}`;
    const { account } = await this.#store.repos.accounts.create({
      id: newAccountId(),
      email: init.email,
      passwordHash: await hashPassword(newSecret()),
      role: 'owner',
      handle,
      displayName: init.displayName,
      now: this.#now(),
    });
    this.#logger.info('local owner account created', { accountId: account.id, handle });
    return account;
  }

  /**
   * Makes the account with this email an owner (--owner-email), creating it when missing with a random
   * password and mailing it a link to choose one.
   */
  async ensureOwnerEmail(email: string): Promise<Account> {
    const existing = await this.#store.repos.accounts.byEmail(email);
    if (existing) {
      if (existing.role !== 'owner') await this.#store.repos.accounts.setRole(existing.id, 'owner');
      return { ...existing, role: 'owner' };
    }
    const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 24).padEnd(3, '_');
    let handle = base;
    for (let n = 2; await this.#store.repos.profiles.handleTaken(handle); n++) handle = `${base}_${n}`;
    const { account } = await this.#store.repos.accounts.create({
      id: newAccountId(),
      email,
      passwordHash: await hashPassword(newSecret()),
      role: 'owner',
      handle,
      displayName: handle,
      now: this.#now(),
    });
    this.#sendLater(passwordResetMail(email, await this.#newResetLink(account.id, this.#now())));
    this.#logger.info('owner account created; a link to set its password was mailed', { accountId: account.id, handle });
    return account;
  }

  /** Suspends an account: it is signed out everywhere and can neither sign in nor join. */
  async ban(handle: string, reason: string, by: SignedIn): Promise<number> {
    const target = await this.#store.repos.profiles.byHandle(handle);
    if (!target) throw new ApiError('not_found', `nobody has the handle @${handle}`);
    if (target.accountId === by.account.id) throw new ApiError('conflict', 'you cannot suspend yourself');
    const account = await this.#store.repos.accounts.byId(target.accountId);
    if (account?.role === 'owner') throw new ApiError('forbidden', 'an owner cannot be suspended');
    await this.#store.repos.accounts.setBan(target.accountId, { at: this.#now(), reason });
    const ended = await this.#store.repos.sessions.deleteForAccount(target.accountId);
    this.#logger.warn('account suspended', { accountId: target.accountId, by: by.account.id, reason });
    this.safeEmit('suspended', target.accountId);
    return ended;
  }

  async unban(handle: string): Promise<void> {
    const target = await this.#store.repos.profiles.byHandle(handle);
    if (!target) throw new ApiError('not_found', `nobody has the handle @${handle}`);
    await this.#store.repos.accounts.setBan(target.accountId, null);
  }

  async isBanned(accountId: string): Promise<boolean> {
    return (await this.#store.repos.accounts.byId(accountId))?.bannedAt != null;
  }

  // ---- internals -------------------------------------------------------------------------------------

  async #profileOf(accountId: string): Promise<Profile> {
    const profile = await this.#store.repos.profiles.byAccount(accountId);
    if (!profile) throw new Error(`account ${accountId} has no profile`);
    return profile;
  }

  async #newSession(
    sessions: Store['repos']['sessions'],
    accountId: string,
    kind: SessionKind,
    client: ClientInfo,
    now: number,
  ): Promise<string> {
    const secret = newSecret();
    await sessions.create({ idHash: hashSecret(secret), accountId, kind, now, expiresAt: now + SESSION_TTL_MS[kind], ...client });
    return secret;
  }

  async #newResetLink(accountId: string, now: number): Promise<string> {
    const token = newSecret();
    await this.#store.repos.links.addReset(hashSecret(token), accountId, now, now + RESET_TTL_MS);
    return this.#link(`/account/reset?token=${token}`);
  }

  async #underMailCap(email: string, accountId: string | undefined, now: number): Promise<boolean> {
    const sent = await this.#store.repos.links.recentCount(email, accountId, now - HOUR);
    if (sent < MAILS_PER_ADDRESS_HOUR) return true;
    this.#logger.warn('mail to an address capped', { sentLastHour: sent });
    return false;
  }

  /** Mail goes out after the answer, so how long sending takes never shows in the response time. */
  #sendLater(mail: OutgoingMail): void {
    setImmediate(() => {
      this.#mailer.send(mail).catch((error: unknown) => this.#logger.error('sending mail failed', { subject: mail.subject, error }));
    });
  }
}

export function toMe(account: Account, profile: Profile): Me {
  return {
    accountId: account.id,
    email: account.email,
    role: account.role,
    handle: profile.handle,
    displayName: profile.displayName,
    bio: profile.bio,
  };
}
