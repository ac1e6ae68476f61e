// Public profiles: display name, unique handle, bio; what /@handle shows.
import type { StoreDb } from '../connect.js';
import { StoreError } from '../StoreError.js';
import { isUniqueViolation } from '../unique.js';
import { toProfile, type AccountTables, type Profile } from './AccountRepository.js';

export class ProfileRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<AccountTables>();
  }

  async byAccount(accountId: string): Promise<Profile | undefined> {
    const row = await this.#db.selectFrom('profiles').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return row && toProfile(row);
  }

  async byHandle(handle: string): Promise<(Profile & { banned: boolean }) | undefined> {
    const row = await this.#db
      .selectFrom('profiles')
      .innerJoin('accounts', 'accounts.id', 'profiles.account_id')
      .selectAll('profiles')
      .select('accounts.banned_at')
      .where('profiles.handle', '=', handle)
      .executeTakeFirst();
    return row && { ...toProfile(row), banned: row.banned_at !== null };
  }

  async handleTaken(handle: string): Promise<boolean> {
    const row = await this.#db.selectFrom('profiles').select('account_id').where('handle', '=', handle).executeTakeFirst();
    return row !== undefined;
  }

  /** StoreError('conflict') when the new handle belongs to someone else. */
  async update(accountId: string, change: { handle?: string; displayName?: string; bio?: string }, now: number): Promise<Profile | undefined> {
    try {
      await this.#db
        .updateTable('profiles')
        .set({
          ...(change.handle !== undefined ? { handle: change.handle } : {}),
          ...(change.displayName !== undefined ? { display_name: change.displayName } : {}),
          ...(change.bio !== undefined ? { bio: change.bio } : {}),
          updated_at: now,
        })
        .where('account_id', '=', accountId)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('conflict', 'that handle is taken');
      throw error;
    }
    return this.byAccount(accountId);
  }
}
