// The bare page: a host sends its microphone, a listener hears it, with mediasoup-client and nothing else.
// While the page opens it connects and loads the device (as Hostline's listener page does with its
// preview); pressing Listen then costs one round trip (`listen`), the WebRTC handshake and playout.
import { Device, type types } from 'mediasoup-client';

type Reply = { id: number; data?: unknown; error?: string };

const socket = new WebSocket(`ws://${location.host}/ws`);
const pending = new Map<number, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;
socket.onmessage = (event: MessageEvent<string>) => {
  const reply = JSON.parse(event.data) as Reply;
  const waiting = pending.get(reply.id);
  pending.delete(reply.id);
  if (reply.error !== undefined) waiting?.reject(new Error(reply.error));
  else waiting?.resolve(reply.data);
};

function request<T>(method: string, data: Record<string, unknown> = {}): Promise<T> {
  const id = nextId++;
  socket.send(JSON.stringify({ id, method, ...data }));
  return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (data: unknown) => void, reject }));
}

const device = new Device();
const ready = (async () => {
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  await device.load({ routerRtpCapabilities: await request<types.RtpCapabilities>('caps') });
})();

function connectOn(transport: types.Transport, wait: boolean): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    const sent = request('connect', { transportId: transport.id, dtlsParameters });
    if (wait) sent.then(() => callback(), errback);
    else callback();
  });
}

const bare = {
  /** Sends the microphone, opened with these constraints. */
  async host(constraints: MediaTrackConstraints, codecOptions: types.ProducerCodecOptions = {}): Promise<void> {
    await ready;
    const mic = await navigator.mediaDevices.getUserMedia({ audio: constraints, video: false });
    const transport = device.createSendTransport(await request<types.TransportOptions>('send'));
    connectOn(transport, true);
    transport.on('produce', ({ rtpParameters }, callback, errback) => {
      request<{ id: string }>('produce', { transportId: transport.id, rtpParameters }).then(callback, errback);
    });
    await transport.produce({ track: mic.getAudioTracks()[0]!, codecOptions });
  },

  /** Hears the host: one request for the transport and the consumer, then the handshake. */
  async listen(): Promise<void> {
    await ready;
    const answer = await request<{ transport: types.TransportOptions; consumer: types.ConsumerOptions }>('listen', {
      rtpCapabilities: device.rtpCapabilities,
    });
    const transport = device.createRecvTransport(answer.transport);
    // The server needs the DTLS parameters before the handshake, which ICE delays by a round trip anyway.
    connectOn(transport, false);
    const consumer = await transport.consume(answer.consumer);
    const element = new Audio();
    element.srcObject = new MediaStream([consumer.track]);
    await element.play();
    document.querySelector<HTMLElement>('[data-testid=listen-status]')!.hidden = false;
  },
};

const listenButton = document.querySelector<HTMLButtonElement>('[data-testid=listen]')!;
listenButton.onclick = () => void bare.listen();
void ready.then(() => (listenButton.disabled = false));

declare global {
  interface Window {
    bare: typeof bare;
  }
}
window.bare = bare;
