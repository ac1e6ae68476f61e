// The typed API client as a browser would use it, for Node tests: a cookie jar per "browser", and the
// Origin header browsers send with unsafe requests.
import { ApiClient, type FetchLike } from '../../src/shared/http/client';

export interface TestBrowser {
  api: ApiClient;
  /** Cookies this "browser" holds, by name. */
  cookies: Map<string, string>;
  /** Raw fetch through the same jar (for hostile requests the typed client would not send). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function testBrowser(baseUrl: string, options: { origin?: string | null; token?: string } = {}): TestBrowser {
  const cookies = new Map<string, string>();
  const origin = options.origin === undefined ? baseUrl : options.origin;
  const raw = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (origin && init.method && init.method !== 'GET' && !headers.has('origin')) headers.set('origin', origin);
    const response = await fetch(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attributes.some((a) => /max-age=0/i.test(a.trim())) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  const fetchLike: FetchLike = (url, init) => raw(url, init);
  return {
    api: new ApiClient({ baseUrl, fetch: fetchLike, ...(options.token ? { token: options.token } : {}) }),
    cookies,
    fetch: (path, init) => raw(`${baseUrl}${path}`, init),
  };
}
