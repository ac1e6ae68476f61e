// The bare reference the latency benchmarks measure the product against: the smallest mediasoup app that
// carries one host's microphone to listeners, with nothing of Hostline's in it (its own signaling, its own
// page, plain mediasoup and mediasoup-client). A listener joins in one round trip: `listen` answers with
// a receive transport and an unpaused consumer, and the DTLS parameters follow without waiting.
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BareServer {
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** What the bare page sends; every reply is `{ id, data }` or `{ id, error }`. */
export type BareRequest =
  | { id: number; method: 'caps' }
  | { id: number; method: 'send' }
  | { id: number; method: 'connect'; transportId: string; dtlsParameters: ms.DtlsParameters }
  | { id: number; method: 'produce'; transportId: string; rtpParameters: ms.RtpParameters }
  | { id: number; method: 'listen'; rtpCapabilities: ms.RtpCapabilities };

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function startBareServer(pageDir: string): Promise<BareServer> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 50000, rtcMaxPort: 50999 });
  const router = await worker.createRouter({
    mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
  });
  const transports = new Map<string, ms.WebRtcTransport>();
  let producer: ms.Producer | undefined;

  const transportOptions = async (socketTransports: Set<string>) => {
    const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true, enableTcp: true, preferUdp: true });
    transports.set(transport.id, transport);
    socketTransports.add(transport.id);
    const { id, iceParameters, iceCandidates, dtlsParameters } = transport;
    return { transport, options: { id, iceParameters, iceCandidates, dtlsParameters } };
  };

  const handle = async (request: BareRequest, socketTransports: Set<string>): Promise<unknown> => {
    switch (request.method) {
      case 'caps':
        return router.rtpCapabilities;
      case 'send':
        return (await transportOptions(socketTransports)).options;
      case 'connect':
        await transports.get(request.transportId)?.connect({ dtlsParameters: request.dtlsParameters });
        return {};
      case 'produce': {
        producer?.close();
        producer = await transports.get(request.transportId)!.produce({ kind: 'audio', rtpParameters: request.rtpParameters });
        return { id: producer.id };
      }
      case 'listen': {
        if (!producer) throw new Error('nobody is sending yet');
        const { transport, options } = await transportOptions(socketTransports);
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: request.rtpCapabilities });
        return { transport: options, consumer: { id: consumer.id, producerId: producer.id, kind: consumer.kind, rtpParameters: consumer.rtpParameters } };
      }
    }
  };

  const http = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(pageDir, path === '/' ? 'bare.html' : path);
    if (!file.startsWith(pageDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (socket: WebSocket) => {
    const socketTransports = new Set<string>();
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as BareRequest;
      handle(request, socketTransports).then(
        (reply) => socket.send(JSON.stringify({ id: request.id, data: reply })),
        (error: Error) => socket.send(JSON.stringify({ id: request.id, error: error.message })),
      );
    });
    socket.on('close', () => {
      for (const id of socketTransports) {
        transports.get(id)?.close();
        transports.delete(id);
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      worker.close();
    },
  };
}
