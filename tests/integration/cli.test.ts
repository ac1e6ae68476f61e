// The SFU service as a user runs it: the built CLI, its structured logs, its config errors and a clean
// shutdown on SIGTERM and SIGINT.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir';

const CLI = join(import.meta.dirname, '..', '..', 'out', 'main', 'sfu.js');
const dataDir = makeTempDir('hostline-cli');
afterAll(() => dataDir.remove());

function startCli(args: string[]): { child: ChildProcess; lines: Array<Record<string, unknown>>; url: Promise<string> } {
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir.path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const part of parts) {
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'listening') resolve(line.httpUrl as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, lines, url };
}

describe('the hostline-sfu command', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves, logs one JSON object a line, and stops cleanly on %s', async (signal) => {
    const { child, lines, url } = startCli(['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'debug']);
    const httpUrl = await url;
    expect(httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${httpUrl}/healthz`)).json();
    expect(health).toEqual({ ok: true, spaces: 0, workers: 1 });
    const studio = await fetch(`${httpUrl}/studio`);
    expect(studio.status).toBe(200);
    expect(await studio.text()).toContain('Hostline Studio');
    const listen = await fetch(`${httpUrl}/listen/abc123`);
    expect(await listen.text()).toContain('Listen live');
    expect((await fetch(`${httpUrl}/..%2f..%2fpackage.json`)).status).toBe(404);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['store open', 'worker started', 'listening', 'shutting down', 'stopped']));
    expect(lines.find((l) => l.msg === 'store open')).toMatchObject({ database: `sqlite:${join(dataDir.path, 'hostline.db')}` });
    for (const line of lines) {
      expect(line).toMatchObject({ time: expect.any(String), level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) });
    }
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal });
  }, 60_000);

  it('refuses a bad flag with a clear message and exit code 2', () => {
    const result = spawnSync(process.execPath, [CLI, '--port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port must be a whole number');
  });

  it('prints its options with --help', () => {
    const result = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const flag of ['--host', '--port', '--announced-ip', '--rtc-min-port', '--rtc-max-port', '--log-level', '--workers', '--rtc-port', '--rtc-ports', '--ice-consent-timeout', '--database', '--smtp', '--public-url', '--owner-email']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
