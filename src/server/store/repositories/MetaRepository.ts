// Small facts about the store itself, by key (which legacy files were imported, …).
import type { StoreDb } from '../connect.js';

export class MetaRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<{ store_meta: { key: string; value: string } }>();
  }

  async get(key: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('store_meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
