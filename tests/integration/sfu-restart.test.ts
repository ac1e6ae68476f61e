// Fault: the SFU service itself dies and comes back. Clients retry with backoff and say so meanwhile;
// once the service answers again, they learn the Space is gone (its state lived in the dead process)
// and say that clearly instead of spinning.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';

const CLI = join(import.meta.dirname, '..', '..', 'out', 'main', 'sfu.js');

function startCli(port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--workers', '1', '--rtc-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"msg":"listening".*?"httpUrl":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(buffered);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the SFU exited with ${code}`)));
  });
}

describe('the SFU service restarts', () => {
  let children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    children = [];
  });

  it('clients retry with backoff, tell the user, and then say the space is gone', async () => {
    const first = await startCli(0);
    children.push(first.child);
    const wsUrl = `ws://127.0.0.1:${first.port}/ws`;
    const host = fakeRoom(wsUrl);
    await host.connect();
    const created = await host.createSpace('Will crash', 'Ada');
    await host.join(created.hostToken);
    await host.startSending(fakeMicTrack());
    const listener = fakeRoom(wsUrl);
    await listener.connect();
    await listener.join(created.listenerInvite);
    const attempts: Array<{ attempt: number; delayMs: number }> = [];
    const outcome: string[] = [];
    listener.on('reconnecting', ({ attempt, delayMs }) => attempts.push({ attempt, delayMs }));
    listener.on('disconnected', (reason) => outcome.push(reason));

    // The process dies without a goodbye, as in a crash.
    first.child.kill('SIGKILL');
    await eventually(() => expect(attempts.length).toBeGreaterThanOrEqual(3), 8000);
    // Backoff: each wait at least as long as the one before.
    expect(attempts.map((a) => a.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.delayMs).toBeGreaterThanOrEqual(attempts[i - 1]!.delayMs);
    expect(outcome).toEqual([]);

    // The service comes back on the same port; the Space did not survive, and the client says so.
    const second = await startCli(first.port);
    children.push(second.child);
    await eventually(() => expect(outcome).toEqual([expect.stringMatching(/could not resume: .*(grace period is over|space ended)/)]), 10_000);
    host.close();
    listener.close();
  });
});
