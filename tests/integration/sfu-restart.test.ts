// The SFU service process dies (SIGKILL) or is stopped (SIGTERM) during a live Space and starts again
// on the same data folder: the Space comes back with the same id, title, host, co-hosts, speakers,
// queue order, mutes and bans; every client that retries within the grace period resumes as the same
// member, and the listener gets the host's audio again without anyone pressing anything. A Space whose
// host never comes back ends as it always has.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';
import { makeTempDir } from '../support/tempDir';

const CLI = join(import.meta.dirname, '..', '..', 'out', 'main', 'sfu.js');

function startCli(port: number, dataDir: string, graceMs: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--workers', '1', '--rtc-port', '0', '--data-dir', dataDir, '--grace-ms', String(graceMs)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"msg":"listening".*?"httpUrl":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(buffered);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the SFU exited with ${code}: ${buffered.slice(-2000)}`)));
  });
}

/** Who holds which role, the queue and the mutes, as the host's client sees them. */
function stageOf(f: SpaceFixture) {
  const snapshot = f.host.snapshot!;
  return {
    spaceId: snapshot.spaceId,
    title: snapshot.title,
    stage: snapshot.stage.map((m) => `${m.displayName}:${m.role}${m.muted ? ':muted' : ''}`),
    queue: snapshot.host!.queue.map((h) => h.displayName),
  };
}

describe('the SFU service restarts during a live Space', () => {
  let children: ChildProcess[] = [];
  let dir: ReturnType<typeof makeTempDir>;
  let f: SpaceFixture | undefined;
  beforeEach(() => {
    dir = makeTempDir('hostline-sfu-restart');
  });
  afterEach(() => {
    f?.close();
    f = undefined;
    for (const c of children) c.kill('SIGKILL');
    children = [];
    dir.remove();
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('after %s the Space is back with the same roles, queue, mutes and bans, and everyone resumes', async (signal) => {
    const first = await startCli(0, dir.path, 30_000);
    children.push(first.child);
    const wsUrl = `ws://127.0.0.1:${first.port}/ws`;
    f = await buildSpace(wsUrl, { cohosts: ['Grace'], speakers: ['Linus'], listeners: ['Ann', 'Bob', 'Troll'], title: 'Two-hour show' });
    await f.people.Bob!.raiseHand();
    await f.people.Ann!.raiseHand();
    await f.host.request('queue.move', { memberId: f.id('Ann'), direction: 'up' });
    await f.host.request('member.remove', { memberId: f.id('Troll') });
    await eventually(() => expect(f!.people.Ann!.remoteTracks().length).toBe(3));
    // What everyone was told, literally: the kill below comes before any broadcast could show the mute.
    const before = { spaceId: f.host.snapshot!.spaceId, title: 'Two-hour show', stage: ['Host:host', 'Grace:cohost', 'Linus:speaker:muted'], queue: ['Ann', 'Bob'] };
    const memberIds = Object.fromEntries(['Grace', 'Linus', 'Ann', 'Bob'].map((n) => [n, f!.id(n)]));
    const reconnected: string[] = [];
    for (const [name, client] of Object.entries({ Host: f.host, ...f.people })) client.on('reconnected', () => reconnected.push(name));

    // The mute is answered only once it is in the store: the process dies the moment the answer arrives.
    await f.host.request('member.mute', { memberId: f.id('Linus') });
    first.child.kill(signal);
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startCli(first.port, dir.path, 30_000);
    children.push(second.child);
    const restartedAt = Date.now();

    await eventually(() => expect(reconnected.sort()).toEqual(['Ann', 'Bob', 'Grace', 'Host', 'Linus']), 15_000);
    await eventually(() => expect(stageOf(f!)).toEqual(before), 5000);
    for (const [name, id] of Object.entries(memberIds)) expect(f.id(name)).toBe(id);
    expect(f.people.Ann!.snapshot!.you.hand?.position).toBe(1);
    expect(f.people.Linus!.snapshot!.you.muted).toBe(true);
    // Audio: each stage member sends again and the listener hears all three, unaided.
    await eventually(() => expect(f!.people.Ann!.remoteTracks().map((t) => t.displayName).sort()).toEqual(['Grace', 'Host', 'Linus']), 10_000);
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
    // The ban outlived the restart: the removed person cannot come back with the identity they kept.
    const troll = fakeRoom(wsUrl);
    f.all.push(troll);
    await troll.connect();
    await expect(troll.request('space.join', { token: f.invite, userToken: f.people.Troll!.userToken })).rejects.toMatchObject({ code: 'banned' });
    // The invitation link from before the restart still admits new listeners.
    const late = fakeRoom(wsUrl);
    f.all.push(late);
    await late.connect();
    await expect(late.join(f.invite, 'Late')).resolves.toMatchObject({ spaceId: before.spaceId, role: 'listener' });
  }, 60_000);

  it('a Space whose host never comes back ends when the grace period runs out', async () => {
    const first = await startCli(0, dir.path, 2000);
    children.push(first.child);
    const wsUrl = `ws://127.0.0.1:${first.port}/ws`;
    f = await buildSpace(wsUrl, { listeners: ['Ann'] });
    const ended: string[] = [];
    f.people.Ann!.on('ended', (reason) => ended.push(reason));
    // The host's studio is gone for good; only the listener retries.
    f.host.close();
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startCli(first.port, dir.path, 2000);
    children.push(second.child);
    await eventually(() => expect(ended).toEqual(['the host did not come back']), 15_000);
  }, 40_000);
});
