// Who follows whom (accounts only: a follow must be remembered).
import type { StoreDb } from '../connect.js';
import { toProfile, type AccountTables, type Profile } from './AccountRepository.js';

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: number;
}

export class FollowRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<AccountTables & { follows: FollowsTable }>();
  }

  /** Following twice is one follow. */
  async follow(followerId: string, followeeId: string, now: number): Promise<void> {
    await this.#db
      .insertInto('follows')
      .values({ follower_id: followerId, followee_id: followeeId, created_at: now })
      .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
      .execute();
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    await this.#db.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).execute();
  }

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('follows')
      .select('created_at')
      .where('follower_id', '=', followerId)
      .where('followee_id', '=', followeeId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async counts(accountId: string): Promise<{ followers: number; following: number }> {
    const [followers, following] = await Promise.all([
      this.#db.selectFrom('follows').select((eb) => eb.fn.countAll<number>().as('n')).where('followee_id', '=', accountId).executeTakeFirstOrThrow(),
      this.#db.selectFrom('follows').select((eb) => eb.fn.countAll<number>().as('n')).where('follower_id', '=', accountId).executeTakeFirstOrThrow(),
    ]);
    return { followers: Number(followers.n), following: Number(following.n) };
  }

  /** The profiles an account follows, newest first. */
  async following(accountId: string, limit: number): Promise<Profile[]> {
    const rows = await this.#db
      .selectFrom('follows')
      .innerJoin('profiles', 'profiles.account_id', 'follows.followee_id')
      .selectAll('profiles')
      .where('follows.follower_id', '=', accountId)
      .orderBy('follows.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toProfile);
  }
}
