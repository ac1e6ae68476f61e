// First start after the move to a database: the block lists and reports earlier versions kept as
// blocks.json and reports.jsonl in the data folder are in the store afterwards, nothing lost, and the
// files are kept renamed; a second start imports nothing twice.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { makeTempDir } from '../support/tempDir';

const REPORTS = [
  {
    id: '5b8f3c1e-0000-4000-8000-000000000001',
    at: '2026-03-01T20:15:00.000Z',
    spaceId: 'abc',
    spaceTitle: 'Tuesday show',
    reporter: { userId: 'user-1', displayName: 'Fan' },
    reported: { userId: 'user-2', displayName: 'Loud' },
    reason: 'shouting over everyone',
  },
  {
    id: '5b8f3c1e-0000-4000-8000-000000000002',
    at: '2026-03-02T20:15:00.000Z',
    spaceId: 'def',
    spaceTitle: 'Wednesday show',
    reporter: { userId: 'user-3', displayName: 'Other fan' },
    reported: { userId: 'user-2', displayName: 'Loud' },
    reason: 'spam links',
  },
];

describe('importing the data folder of an earlier version', () => {
  const dir = makeTempDir('hostline-legacy');
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    dir.remove();
  });

  it('moves block lists and reports into the store on first start, once', async () => {
    writeFileSync(
      join(dir.path, 'blocks.json'),
      JSON.stringify({ 'host-1': { 'user-2': { displayName: 'Loud', at: '2026-03-01T20:16:00.000Z' }, 'user-9': { displayName: 'Pest', at: '2026-03-01T20:17:00.000Z' } } }),
    );
    // The last line torn by a crash mid-append, as an old server could leave it.
    writeFileSync(join(dir.path, 'reports.jsonl'), REPORTS.map((r) => JSON.stringify(r)).join('\n') + '\n{"id":"torn');
    server = await startTestServer({ dataDir: dir.path });
    expect(server.platform.moderation.isBlocked('host-1', 'user-2')).toBe(true);
    expect(server.platform.moderation.blockList('host-1')).toEqual([
      { userId: 'user-2', displayName: 'Loud' },
      { userId: 'user-9', displayName: 'Pest' },
    ]);
    expect(await server.platform.store.repos.moderation.reports()).toEqual(REPORTS);
    expect(existsSync(join(dir.path, 'blocks.json'))).toBe(false);
    expect(existsSync(join(dir.path, 'blocks.json.imported'))).toBe(true);
    expect(existsSync(join(dir.path, 'reports.jsonl.imported'))).toBe(true);
    expect(server.logs.find((l) => l.msg === 'imported block lists and reports from the data folder')).toMatchObject({ blocks: 2, reports: 2 });
    expect(server.logs.some((l) => l.msg === 'a line of reports.jsonl is not JSON and was not imported' && l.line === 3)).toBe(true);

    await server.close();
    server = await startTestServer({ dataDir: dir.path });
    expect(await server.platform.store.repos.moderation.reports()).toHaveLength(2);
    expect(server.platform.moderation.blockList('host-1')).toHaveLength(2);
    expect(server.logs.some((l) => l.msg === 'imported block lists and reports from the data folder')).toBe(false);
  });
});
