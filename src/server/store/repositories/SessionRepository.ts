// Server-side sessions. The secret lives only in the person's cookie (or the studio's settings); the
// table keeps its SHA-256, so reading the database signs nobody in.
import type { StoreDb } from '../connect.js';
import type { AccountTables } from './AccountRepository.js';

export type SessionKind = 'browser' | 'studio';

export interface SessionsTable {
  id_hash: string;
  account_id: string;
  kind: SessionKind;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string;
  address: string;
}

export interface SessionRecord {
  idHash: string;
  accountId: string;
  kind: SessionKind;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export class SessionRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<AccountTables & { sessions: SessionsTable }>();
  }

  async create(init: {
    idHash: string;
    accountId: string;
    kind: SessionKind;
    now: number;
    expiresAt: number;
    userAgent: string;
    address: string;
  }): Promise<void> {
    await this.#db
      .insertInto('sessions')
      .values({
        id_hash: init.idHash,
        account_id: init.accountId,
        kind: init.kind,
        created_at: init.now,
        last_seen_at: init.now,
        expires_at: init.expiresAt,
        user_agent: init.userAgent.slice(0, 256),
        address: init.address.slice(0, 64),
      })
      .execute();
  }

  /** A session that has not expired. */
  async find(idHash: string, now: number): Promise<SessionRecord | undefined> {
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return (
      row && {
        idHash: row.id_hash,
        accountId: row.account_id,
        kind: row.kind,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
      }
    );
  }

  /** Slides the expiry forward (callers do this at most once a minute per session). */
  async touch(idHash: string, now: number, expiresAt: number): Promise<void> {
    await this.#db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Signs the account out everywhere; returns how many sessions ended. */
  async deleteForAccount(accountId: string): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends every session of the account but one (a password change keeps the session that made it). */
  async deleteOthers(accountId: string, keepHash: string): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('account_id', '=', accountId).where('id_hash', '!=', keepHash).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends the account's sessions opened by one client (the embedded studio replaces its own). */
  async deleteByAgent(accountId: string, userAgent: string): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('account_id', '=', accountId).where('user_agent', '=', userAgent).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async countForAccount(accountId: string, now: number): Promise<number> {
    const row = await this.#db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
