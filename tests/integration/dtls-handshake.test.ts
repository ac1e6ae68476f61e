// A stock DTLS client completes the handshake with a WebRtcTransport for every SRTP profile the worker
// offers: ICE is brought up from a plain UDP socket (tests/support/stun.ts), then `openssl s_client
// -dtls1_2 -use_srtp <profile>` takes over that socket's port. The server must answer the handshake,
// check our certificate's fingerprint and agree on the profile; a wrong fingerprint must fail.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Space } from '../../src/server/Space';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { IceProbe } from '../support/stun';

/** What the worker offers in the use_srtp extension, most preferred first (mediasoup 3.19). */
const PROFILES = ['SRTP_AEAD_AES_256_GCM', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80', 'SRTP_AES128_CM_SHA1_32'];

describe('DTLS-SRTP with a stock client (openssl s_client)', () => {
  let server: TestServer;
  let space: Space;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-dtls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let fingerprint: string;

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=hostline-test', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    fingerprint = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim().split('=')[1]!;
    server = await startTestServer({ rtcPort: 0 });
    ({ space } = await server.sfu.createSpace({ title: 'DTLS', hostName: 'Ada' }));
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Brings ICE up on a new transport, runs s_client with `profile`, returns its output and the transport. */
  async function handshake(profile: string, remoteFingerprint: string) {
    const transport = await server.sfu.createWebRtcTransport(space.router);
    await transport.connect({ dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: remoteFingerprint }] } });
    const udp = transport.iceCandidates.find((c) => c.protocol === 'udp')!;
    const probe = await IceProbe.open({ remote: transport.iceParameters, localUfrag: 'hostlinetest' }, { ip: udp.address, port: udp.port });
    await probe.bind();
    const port = probe.port;
    await probe.close();
    const client = spawn('openssl', [
      's_client', '-dtls1_2', '-use_srtp', profile, '-cert', cert, '-key', key,
      '-bind', `127.0.0.1:${port}`, '-connect', `${udp.address}:${udp.port}`,
    ], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => expect(['connected', 'failed']).toContain(transport.dtlsState), 10_000);
      // s_client prints the session summary (the SRTP line, then "Verify return code:") a moment after
      // the worker reports the handshake; a failed one ends with an alert. (Its "verify error:num=18"
      // about our self-signed certificate comes earlier and says nothing about the outcome.)
      await eventually(() => expect(output).toMatch(/Verify return code:|SSL routines|alert/), 5000).catch(() => undefined);
    } finally {
      client.stdin.end();
      client.kill();
    }
    return { output, transport };
  }

  it.each(PROFILES)('handshakes and agrees on %s', async (profile) => {
    const { output, transport } = await handshake(profile, fingerprint);
    expect(transport.dtlsState).toBe('connected');
    expect(output).toContain(`SRTP Extension negotiated, profile=${profile}`);
    expect(transport.iceState).toBe('completed');
    transport.close();
  });

  it('refuses a client whose certificate does not match the fingerprint it signalled', async () => {
    const wrong = fingerprint.replace(/^[0-9A-F]{2}/, (b) => (b === '00' ? '01' : '00'));
    const { transport } = await handshake('SRTP_AES128_CM_SHA1_80', wrong);
    expect(transport.dtlsState).toBe('failed');
    transport.close();
  });
});
