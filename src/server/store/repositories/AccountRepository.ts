// Accounts (private: email, password hash, role, ban) and their public profiles, created together.
import type { Kysely } from 'kysely';
import type { StoreDb } from '../connect.js';
import { StoreError } from '../StoreError.js';
import { isUniqueViolation } from '../unique.js';

export type AccountRole = 'member' | 'owner';

export interface AccountsTable {
  id: string;
  email: string;
  password_hash: string;
  role: AccountRole;
  created_at: number;
  password_changed_at: number;
  banned_at: number | null;
  ban_reason: string | null;
}

export interface ProfilesTable {
  account_id: string;
  handle: string;
  display_name: string;
  bio: string;
  updated_at: number;
}

export type AccountTables = { accounts: AccountsTable; profiles: ProfilesTable };

export interface Account {
  id: string;
  email: string;
  passwordHash: string;
  role: AccountRole;
  createdAt: number;
  passwordChangedAt: number;
  bannedAt: number | null;
  banReason: string | null;
}

export interface Profile {
  accountId: string;
  handle: string;
  displayName: string;
  bio: string;
}

function toAccount(row: AccountsTable): Account {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
    bannedAt: row.banned_at,
    banReason: row.ban_reason,
  };
}

export function toProfile(row: ProfilesTable): Profile {
  return { accountId: row.account_id, handle: row.handle, displayName: row.display_name, bio: row.bio };
}

export class AccountRepository {
  readonly #db: Kysely<AccountTables>;

  constructor(db: StoreDb) {
    this.#db = db.withTables<AccountTables>();
  }

  /** Creates the account and its profile in one transaction; StoreError('conflict') when the email or handle is taken. */
  async create(init: {
    id: string;
    email: string;
    passwordHash: string;
    role: AccountRole;
    handle: string;
    displayName: string;
    bio?: string;
    now: number;
  }): Promise<{ account: Account; profile: Profile }> {
    const account: AccountsTable = {
      id: init.id,
      email: init.email,
      password_hash: init.passwordHash,
      role: init.role,
      created_at: init.now,
      password_changed_at: init.now,
      banned_at: null,
      ban_reason: null,
    };
    const profile: ProfilesTable = {
      account_id: init.id,
      handle: init.handle,
      display_name: init.displayName,
      bio: init.bio ?? '',
      updated_at: init.now,
    };
    try {
      const insert = async (db: Kysely<AccountTables>) => {
        await db.insertInto('accounts').values(account).execute();
        await db.insertInto('profiles').values(profile).execute();
      };
      // Inside store.transaction() already: join it; else make one.
      if (this.#db.isTransaction) await insert(this.#db);
      else await this.#db.transaction().execute(insert);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('conflict', 'that email or handle is taken');
      throw error;
    }
    return { account: toAccount(account), profile: toProfile(profile) };
  }

  async byId(id: string): Promise<Account | undefined> {
    const row = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async byEmail(email: string): Promise<Account | undefined> {
    const row = await this.#db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toAccount(row);
  }

  /** The first owner account (the embedded studio's local owner, or whoever set the service up). */
  async firstOwner(): Promise<Account | undefined> {
    const row = await this.#db
      .selectFrom('accounts')
      .selectAll()
      .where('role', '=', 'owner')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async setPassword(id: string, passwordHash: string, now: number): Promise<void> {
    await this.#db.updateTable('accounts').set({ password_hash: passwordHash, password_changed_at: now }).where('id', '=', id).execute();
  }

  async setRole(id: string, role: AccountRole): Promise<void> {
    await this.#db.updateTable('accounts').set({ role }).where('id', '=', id).execute();
  }

  async setBan(id: string, ban: { at: number; reason: string } | null): Promise<boolean> {
    const result = await this.#db
      .updateTable('accounts')
      .set({ banned_at: ban?.at ?? null, ban_reason: ban?.reason ?? null })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
