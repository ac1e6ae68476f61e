// The WebRtcServer's TCP fallback with real audio: a listener whose Chromium may not use UDP (the
// `disable_non_proxied_udp` policy, as behind a firewall that blocks it: WebRTC then sends no UDP at
// all) reaches the worker on its one TCP port and hears the host, while the host stays on UDP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { dbOf } from '../support/pattern';
import { goLive, listen, startTestStudio } from '../support/studio';
import { writeBeepWav } from '../support/wav';


describe('TCP fallback, in Chromium', () => {
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let listener: Page;
  let link: string;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-tcp-'));

  // Launching two Chromiums and the studio going live take most of the time under load (4 s and 9 s at
  // load 15); they are set-up, so they count against the hook's budget, not the test's.
  beforeAll(async () => {
    const beeps = join(dir, 'beeps.wav');
    writeBeepWav(beeps, { beeps: Array.from({ length: 80 }, (_, i) => ({ start: i * 0.25, duration: 0.1, frequency: 1000 })), length: 20 });
    studio = await startTestStudio(dir);
    browsers.push(await launchChromium({ micWav: beeps }));
    browsers.push(await launchChromium({ extraArgs: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'] }));
    const host = await browsers[0]!.newPage();
    listener = await browsers[1]!.newPage();
    link = await goLive(host, studio, 'Ada', 'Over TCP');
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a listener with UDP blocked hears the host over the worker’s TCP port', async () => {
    const since = Date.now();
    await listen(listener, link, 'Tia');
    const start = await listener.evaluate(() => performance.now());
    await eventually(async () => {
      const levels = await listener.evaluate((from) => window.hostlineListener!.meter.history().filter((r) => r.wallTime > from).map((r) => r.rms), start);
      expect(Math.max(-100, ...levels.map(dbOf))).toBeGreaterThan(-40);
    }, 15_000);
    console.log(`TCP fallback: audible ${Date.now() - since} ms after the listener pressed Listen`);

    // Where each one's media really goes, from the worker's side.
    const [usage] = await studio.server.sfu.pool.usage();
    const [space] = studio.server.sfu.spaces();
    const tupleOf = async (name: string) => {
      const member = space!.members().find((m) => m.displayName === name)!;
      const [transport] = [...member.transports.values()];
      return (await transport!.getStats())[0]?.iceSelectedTuple;
    };
    expect(await tupleOf('Tia')).toMatchObject({ protocol: 'tcp', localPort: usage!.webRtcPorts!.tcp });
    expect(await tupleOf('Ada')).toMatchObject({ protocol: 'udp', localPort: usage!.webRtcPorts!.udp });
  });
});
