// Single-use emailed links: sign-up confirmations and password resets. Taking a link marks it used in
// the same statement that reads it, so two clicks (or two servers) can never both succeed.
import type { Kysely } from 'kysely';
import type { StoreDb } from '../connect.js';
import type { AccountTables } from './AccountRepository.js';

export interface SignupRequestsTable {
  token_hash: string;
  email: string;
  password_hash: string;
  handle: string;
  display_name: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  account_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

type Tables = AccountTables & { signup_requests: SignupRequestsTable; password_resets: PasswordResetsTable };

export interface PendingSignup {
  email: string;
  passwordHash: string;
  handle: string;
  displayName: string;
}

export class LinkTokenRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
  }

  async addSignup(tokenHash: string, signup: PendingSignup, now: number, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('signup_requests')
      .values({
        token_hash: tokenHash,
        email: signup.email,
        password_hash: signup.passwordHash,
        handle: signup.handle,
        display_name: signup.displayName,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
  }

  /** Uses a sign-up link once; undefined when unknown, used or expired. */
  async takeSignup(tokenHash: string, now: number): Promise<PendingSignup | undefined> {
    const row = await this.#db
      .updateTable('signup_requests')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row && { email: row.email, passwordHash: row.password_hash, handle: row.handle, displayName: row.display_name };
  }

  async addReset(tokenHash: string, accountId: string, now: number, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('password_resets')
      .values({ token_hash: tokenHash, account_id: accountId, created_at: now, expires_at: expiresAt, used_at: null })
      .execute();
  }

  /** Uses a reset link once and voids the account's other open links; the account id, or undefined. */
  async takeReset(tokenHash: string, now: number): Promise<string | undefined> {
    const take = async (trx: Kysely<Tables>) => {
      const row = await trx
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('account_id')
        .executeTakeFirst();
      if (!row) return undefined;
      await trx.updateTable('password_resets').set({ used_at: now }).where('account_id', '=', row.account_id).where('used_at', 'is', null).execute();
      return row.account_id;
    };
    return this.#db.isTransaction ? take(this.#db) : this.#db.transaction().execute(take);
  }

  /** Links sent to this email lately (reset or sign-up), to cap how much mail one address gets. */
  async recentCount(email: string, accountId: string | undefined, since: number): Promise<number> {
    const signups = await this.#db
      .selectFrom('signup_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email', '=', email)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    let resets = 0;
    if (accountId) {
      const row = await this.#db
        .selectFrom('password_resets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      resets = Number(row.n);
    }
    return Number(signups.n) + resets;
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('signup_requests').where('expires_at', '<=', now).execute();
    await this.#db.deleteFrom('password_resets').where('expires_at', '<=', now).execute();
  }
}
