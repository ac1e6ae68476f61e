// Who the studio is to the SFU service: the name the host appears under, the signed user token the
// service gave this studio (so bans, blocks and the host's own Spaces follow the same person between
// runs), and the studio key that lets this studio create Spaces on its embedded SFU. Sign-in to an
// account (issue 9) adds its credential here; nothing else in the studio needs to change.
import type { SfuEndpoint } from '../../shared/studio-api';

/** Where the user token is kept between runs: localStorage in the studio, a Map in tests. */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const USER_TOKEN_KEY = 'hostline.userToken';

export class HostIdentity {
  readonly #store: TokenStore;
  /** The name as typed; trimmed when used. */
  #name = '';

  constructor(store: TokenStore) {
    this.#store = store;
  }

  get name(): string {
    return this.#name.trim();
  }
  set name(name: string) {
    this.#name = name;
  }

  /** The token from an earlier run, if any. */
  get userToken(): string | undefined {
    return this.#store.getItem(USER_TOKEN_KEY) ?? undefined;
  }

  /** Keeps the token the service answered with on joining. */
  remember(userToken: string | undefined): void {
    if (userToken) this.#store.setItem(USER_TOKEN_KEY, userToken);
  }

  /** What space.create needs to know about the host. */
  credentials(endpoint: SfuEndpoint): { hostName: string; studioKey?: string } {
    return { hostName: this.name, studioKey: endpoint.studioKey };
  }
}
