// Ticket test helpers: accounts (with a session secret for HTTP), a Space row for a host to ticket.
import { hashSecret, newSecret } from '../../src/server/accounts/secrets';
import type { Store } from '../../src/server/store/Store';

let counter = 0;

/** A real account in the store, and a signed-in session secret for it (Bearer or cookie). */
export async function makeAccount(store: Store, name: string, now = Date.now()): Promise<{ id: string; email: string; secret: string }> {
  const n = ++counter;
  const id = `acc-${name}-${n}`;
  const email = `${name}-${n}@example.com`.toLowerCase();
  await store.repos.accounts.create({ id, email, passwordHash: 'scrypt$test', role: 'member', handle: `${name}${n}`.toLowerCase().slice(0, 30), displayName: name, now });
  const secret = newSecret();
  await store.repos.sessions.create({ idHash: hashSecret(secret), accountId: id, kind: 'browser', now, expiresAt: now + 86_400_000, userAgent: 'test', address: '127.0.0.1' });
  return { id, email, secret };
}

/** A scheduled Space row hosted by `hostId` (what scheduling creates; the live one is the same row). */
export async function makeSpace(store: Store, hostId: string, title = 'Ticketed show', now = Date.now()): Promise<string> {
  const id = `spc${++counter}${Math.random().toString(36).slice(2, 8)}`;
  await store.repos.spaces.create(
    {
      id,
      title,
      hostUserId: hostId,
      status: 'scheduled',
      policy: { requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
      queue: [],
      talkTimeMs: {},
      createdAt: now,
      startedAt: now,
      endedAt: null,
      endReason: null,
    },
    now,
  );
  return id;
}
