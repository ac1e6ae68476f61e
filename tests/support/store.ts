// Opens a real store for a test on either database: a SQLite file in a temporary folder, or a fresh
// PostgreSQL database. `STORE_KINDS` lets a suite run once per database.
import type { StoreTarget } from '../../src/server/store/connect';
import { Store } from '../../src/server/store/Store';
import { createTestDatabase } from './postgres';
import { makeTempDir } from './tempDir';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKindUnderTest = (typeof STORE_KINDS)[number];

export interface TestStoreTarget {
  target: StoreTarget;
  /** The folder a SQLite store lives in (and legacy files may be put). */
  dir: string;
  cleanup(): Promise<void>;
}

/** A place for a store that does not exist yet. */
export async function testStoreTarget(kind: StoreKindUnderTest): Promise<TestStoreTarget> {
  const dir = makeTempDir(`hostline-store-${kind}`);
  if (kind === 'sqlite') {
    return { target: { kind: 'sqlite', file: `${dir.path}/hostline.db` }, dir: dir.path, cleanup: async () => dir.remove() };
  }
  const database = await createTestDatabase();
  return {
    target: { kind: 'postgres', url: database.url },
    dir: dir.path,
    cleanup: async () => {
      dir.remove();
      await database.drop();
    },
  };
}

export async function openTestStore(kind: StoreKindUnderTest): Promise<{ store: Store; place: TestStoreTarget; cleanup(): Promise<void> }> {
  const place = await testStoreTarget(kind);
  const store = await Store.open(place.target);
  return {
    store,
    place,
    async cleanup() {
      await store.close();
      await place.cleanup();
    },
  };
}
