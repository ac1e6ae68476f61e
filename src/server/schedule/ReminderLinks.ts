// The "stop reminding me" link in every reminder mail: it names the Space and the account and is
// signed with a key kept in the store (so it works after a restart and on every server process
// sharing the database), and it needs no sign-in: whoever got the mail may stop it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/Store.js';

const KEY_NAME = 'reminder_link_key';

export class ReminderLinks {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Reads the key, making it on first start; two processes starting at once agree on the first one written. */
  static async open(store: Store): Promise<ReminderLinks> {
    let key = await store.repos.meta.get(KEY_NAME);
    if (!key) {
      await store.db
        .withTables<{ store_meta: { key: string; value: string } }>()
        .insertInto('store_meta')
        .values({ key: KEY_NAME, value: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      key = (await store.repos.meta.get(KEY_NAME))!;
    }
    return new ReminderLinks(Buffer.from(key, 'base64url'));
  }

  #mac(spaceId: string, accountId: string): string {
    return createHmac('sha256', this.#key).update(`unremind:${spaceId}:${accountId}`).digest('base64url').slice(0, 32);
  }

  token(spaceId: string, accountId: string): string {
    return `${spaceId}.${accountId}.${this.#mac(spaceId, accountId)}`;
  }

  /** The Space and account a token names, when it is one of ours. */
  verify(token: string): { spaceId: string; accountId: string } | undefined {
    const [spaceId, accountId, mac, extra] = token.split('.');
    if (!spaceId || !accountId || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#mac(spaceId, accountId));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { spaceId, accountId } : undefined;
  }
}
