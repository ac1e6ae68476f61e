// RecordingLibrary over a real folder: what it lists, what it refuses, and that no id leaves the root.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLibrary } from '../../src/main/services/recording/RecordingLibrary';
import { Take } from '../../src/main/services/recording/Take';
import { RATE } from '../support/recording';

interface Ctx {
  root: string;
  library: RecordingLibrary;
}

async function record(root: string, title: string, startedAt: number, speakers: string[]): Promise<string> {
  const take = await Take.begin(root, { spaceId: 'sp', title }, startedAt);
  await take.addTrack({ kind: 'mix', name: 'Mix' });
  for (const [i, name] of speakers.entries()) await take.addTrack({ kind: i === 0 ? 'host' : 'speaker', name, memberId: name });
  for (let t = 0; t <= speakers.length; t++) take.place(t, 0, RATE, new Uint8Array(RATE * 4));
  await take.finish('user');
  return take.id;
}

describe('RecordingLibrary', () => {
  let ctx: Ctx;
  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'hostline-library-'));
    ctx = { root, library: new RecordingLibrary(root) };
  });
  afterEach(() => rmSync(ctx.root, { recursive: true, force: true }));

  it('library.list() answers every recording newest first, with speakers and size, skipping other folders', async () => {
    const older = await record(ctx.root, 'Monday', Date.UTC(2025, 0, 6, 9), ['Ada']);
    const newer = await record(ctx.root, 'Tuesday', Date.UTC(2025, 0, 7, 9), ['Ada', 'Grace']);
    mkdirSync(join(ctx.root, 'not-a-recording'));
    mkdirSync(join(ctx.root, 'torn'));
    writeFileSync(join(ctx.root, 'torn', 'manifest.json'), '{"version":1,"tra');
    const list = await ctx.library.list();
    expect(list.map((r) => [r.id, r.speakers, r.durationSec])).toEqual([
      [newer, ['Ada', 'Grace'], 1],
      [older, ['Ada'], 1],
    ]);
    // Three one-second float32 tracks plus their headers.
    expect(list[0]!.sizeBytes).toBe(3 * (RATE * 4 + 58));
    expect((await ctx.library.list(newer)).map((r) => r.id)).toEqual([older]);
  });

  it('an empty or missing root lists nothing', async () => {
    expect(await ctx.library.list()).toEqual([]);
    expect(await new RecordingLibrary(join(ctx.root, 'missing')).list()).toEqual([]);
  });

  it('library.dirOf() refuses ids that could leave the root', () => {
    for (const id of ['..', '../etc', 'a/b', '.hidden', '', 'a\\b', 'x/../../y']) expect(() => ctx.library.dirOf(id), id).toThrow(/not a recording id/);
    expect(ctx.library.dirOf('2025-01-06_09-00-00_Monday')).toBe(join(ctx.root, '2025-01-06_09-00-00_Monday'));
  });

  it('library.get() and library.trackPath() answer only recordings and files the manifest lists', async () => {
    const id = await record(ctx.root, 'Files', Date.UTC(2025, 0, 8), ['Ada']);
    expect((await ctx.library.get(id)).tracks.map((t) => t.file)).toEqual(['mix.wav', '01-host-Ada.wav']);
    expect(await ctx.library.trackPath(id, 'mix.wav')).toBe(join(ctx.root, id, 'mix.wav'));
    await expect(ctx.library.trackPath(id, 'manifest.json')).rejects.toThrow(/no track manifest.json/);
    await expect(ctx.library.get('2025-01-01_no-such')).rejects.toThrow(/no recording/);
  });

  it('reads the root afresh every time (the recordings folder setting may change)', async () => {
    let root = ctx.root;
    const library = new RecordingLibrary(() => root);
    await record(ctx.root, 'Here', Date.UTC(2025, 0, 9), ['Ada']);
    expect(await library.list()).toHaveLength(1);
    root = join(ctx.root, 'elsewhere');
    expect(await library.list()).toEqual([]);
  });
});
