// The signed-in state of the account pages: who is signed in, and the actions that change it. A plain
// class with typed events over the typed API client; React only renders it.
import type { Me } from '../../shared/accounts';
import { ApiClient } from '../../shared/http/client';
import { TypedEmitter } from '../../shared/TypedEmitter';

export type AccountSessionEvents = {
  /** Who is signed in changed (null: nobody). */
  changed: [me: Me | null];
};

export class AccountSession extends TypedEmitter<AccountSessionEvents> {
  readonly api: ApiClient;
  #me: Me | null | undefined;

  constructor(api = new ApiClient()) {
    super();
    this.api = api;
  }

  /** undefined until the first answer. */
  get me(): Me | null | undefined {
    return this.#me;
  }

  async load(): Promise<Me | null> {
    const { me } = await this.api.call('account.me');
    this.#set(me);
    return me;
  }

  async signIn(email: string, password: string): Promise<Me> {
    const { me } = await this.api.call('account.signIn', { body: { email, password, client: 'browser' } });
    this.#set(me);
    return me;
  }

  async signOut(): Promise<void> {
    await this.api.call('account.signOut');
    this.#set(null);
  }

  async signOutEverywhere(): Promise<number> {
    const { ended } = await this.api.call('account.signOutEverywhere', { body: {} });
    this.#set(null);
    return ended;
  }

  async confirm(token: string, handle?: string): Promise<Me> {
    const { me } = await this.api.call('account.confirm', { body: { token, ...(handle ? { handle } : {}) } });
    this.#set(me);
    return me;
  }

  async reset(token: string, password: string): Promise<Me> {
    const { me } = await this.api.call('account.reset', { body: { token, password } });
    this.#set(me);
    return me;
  }

  async updateProfile(change: { displayName?: string; handle?: string; bio?: string }): Promise<Me> {
    const { me } = await this.api.call('profile.update', { body: change });
    this.#set(me);
    return me;
  }

  #set(me: Me | null): void {
    this.#me = me;
    this.safeEmit('changed', me);
  }
}
