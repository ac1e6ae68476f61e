// ICE consent (RFC 7675, mediasoup's iceConsentTimeout): a client whose media stops answering has
// vanished, even while its WebSocket still looks open. The server hangs up on it, the member keeps
// their place for the grace period as after any dropped connection, and can resume within it. A
// client that keeps sending consent checks is left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_LOST_CLOSE_CODE } from '../../src/server/Connection';
import { eventually } from '../support/fakeRoom';
import { RawClient } from '../support/rawClient';
import { startTestServer, type TestServer } from '../support/server';
import { IceProbe } from '../support/stun';

const CONSENT_S = 10; // mediasoup's lowest

describe('ICE consent', () => {
  let server: TestServer;
  const clients: RawClient[] = [];
  const probes: IceProbe[] = [];

  beforeEach(async () => {
    server = await startTestServer({ rtcPort: 0, iceConsentTimeoutS: CONSENT_S, graceMs: 30_000 });
  });
  afterEach(async () => {
    for (const probe of probes.splice(0)) await probe.close().catch(() => undefined);
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  /** A listener over a bare WebSocket whose receive transport's ICE is up from a plain UDP socket. */
  async function listenerWithIce(invite: string, name: string) {
    const client = await RawClient.connect(server.wsUrl);
    clients.push(client);
    const request = async (id: number, type: string, data: unknown) => {
      client.send(JSON.stringify({ id, type, data }));
      await eventually(() => expect(client.messages.some((m) => m.kind === 'response' && m.id === id)).toBe(true));
      const answer = client.messages.find((m) => m.kind === 'response' && m.id === id)!;
      expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
      return answer.data as Record<string, unknown>;
    };
    const joined = await request(1, 'space.join', { token: invite, displayName: name });
    const transport = (await request(2, 'transport.create', { direction: 'recv' })) as {
      iceParameters: { usernameFragment: string; password: string };
      iceCandidates: Array<{ protocol: string; address: string; port: number }>;
    };
    const udp = transport.iceCandidates.find((c) => c.protocol === 'udp')!;
    const probe = await IceProbe.open({ remote: transport.iceParameters, localUfrag: name.toLowerCase() }, { ip: udp.address, port: udp.port });
    probes.push(probe);
    await probe.bind();
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    return { client, probe, closed, memberId: joined.memberId as string, resumeToken: joined.resumeToken as string };
  }

  it('a listener whose media goes silent is hung up on, keeps their place, and resumes', async () => {
    const { space, listenerInvite } = await server.sfu.createSpace({ title: 'Consent', hostName: 'Ada' });
    const gone = await listenerWithIce(listenerInvite, 'Gil');
    const staying = await listenerWithIce(listenerInvite, 'Sue');
    // Sue's client keeps its consent fresh, as a browser does every few seconds.
    const keepAlive = setInterval(() => void staying.probe.bind().catch(() => undefined), 2000);
    try {
      const silentSince = Date.now();
      const code = await gone.closed;
      const noticedMs = Date.now() - silentSince;
      console.log(`ICE consent: a silent client was hung up on after ${noticedMs} ms (timeout ${CONSENT_S} s)`);
      expect(code).toBe(MEDIA_LOST_CLOSE_CODE);
      expect(noticedMs).toBeGreaterThanOrEqual((CONSENT_S - 1) * 1000);
      expect(noticedMs).toBeLessThan((CONSENT_S + 5) * 1000);
      // Still a member, shown as disconnected, within the grace period.
      await eventually(() => expect(space.member(gone.memberId)?.connected).toBe(false));
      expect(server.logs.some((l) => l.msg === 'hanging up on a vanished client')).toBe(true);
      // The one who kept consent fresh is still connected.
      expect(space.member(staying.memberId)!.connected).toBe(true);
      expect(staying.client.ws.readyState).toBe(staying.client.ws.OPEN);

      // Coming back within the grace period resumes the same member.
      const again = await RawClient.connect(server.wsUrl);
      clients.push(again);
      again.send(JSON.stringify({ id: 1, type: 'space.resume', data: { resumeToken: gone.resumeToken } }));
      const [answer] = await again.responses(1);
      expect(answer).toMatchObject({ ok: true, data: { memberId: gone.memberId } });
      expect(space.member(gone.memberId)!.connected).toBe(true);
    } finally {
      clearInterval(keepAlive);
    }
  }, 40_000);
});
