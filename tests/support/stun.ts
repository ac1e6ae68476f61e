// A minimal ICE client for tests: the STUN Binding request (RFC 8445 / 5389) a browser sends to nominate
// a candidate pair, so a test can bring a WebRtcTransport's ICE up from a plain UDP socket, then hand
// the validated port to a stock DTLS client (openssl s_client -bind), or stop, to let consent expire.
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { crc32 } from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const ATTR = { username: 0x0006, messageIntegrity: 0x0008, priority: 0x0024, useCandidate: 0x0025, iceControlling: 0x802a, fingerprint: 0x8028 };

export interface IceCredentials {
  /** The server's ICE parameters, as `transport.create` answers them. */
  remote: { usernameFragment: string; password: string };
  /** Our own username fragment (any string of ICE characters). */
  localUfrag: string;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** A Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT. */
export function bindingRequest(credentials: IceCredentials, transactionId = randomBytes(12)): Buffer {
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(BINDING_REQUEST, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC_COOKIE, 4);
    transactionId.copy(h, 8);
    return h;
  };
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e0001ff, 0);
  const body = Buffer.concat([
    attribute(ATTR.username, Buffer.from(`${credentials.remote.usernameFragment}:${credentials.localUfrag}`)),
    attribute(ATTR.priority, priority),
    attribute(ATTR.iceControlling, randomBytes(8)),
    attribute(ATTR.useCandidate, Buffer.alloc(0)),
  ]);
  // MESSAGE-INTEGRITY covers everything before it, with the length counting it (24 bytes).
  const hmac = createHmac('sha1', credentials.remote.password)
    .update(Buffer.concat([header(body.length + 24), body]))
    .digest();
  const withIntegrity = Buffer.concat([body, attribute(ATTR.messageIntegrity, hmac)]);
  // FINGERPRINT: CRC-32 of everything before it (length counting it, 8 bytes), XOR "STUN".
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(Buffer.concat([header(withIntegrity.length + 8), withIntegrity])) ^ 0x5354554e) >>> 0, 0);
  const all = Buffer.concat([withIntegrity, attribute(ATTR.fingerprint, fingerprint)]);
  return Buffer.concat([header(all.length), all]);
}

export function isBindingSuccess(packet: Buffer, transactionId?: Buffer): boolean {
  return (
    packet.length >= 20 &&
    packet.readUInt16BE(0) === BINDING_SUCCESS &&
    packet.readUInt32BE(4) === MAGIC_COOKIE &&
    (transactionId === undefined || packet.subarray(8, 20).equals(transactionId))
  );
}

/** A UDP socket on loopback that speaks ICE to one server candidate. */
export class IceProbe {
  readonly socket: Socket;
  readonly #credentials: IceCredentials;
  readonly #server: { ip: string; port: number };

  private constructor(socket: Socket, credentials: IceCredentials, server: { ip: string; port: number }) {
    this.socket = socket;
    this.#credentials = credentials;
    this.#server = server;
  }

  static async open(credentials: IceCredentials, server: { ip: string; port: number }): Promise<IceProbe> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new IceProbe(socket, credentials, server);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends one Binding request and waits for the success response (the server validated our pair). */
  async bind(timeoutMs = 2000): Promise<void> {
    const transactionId = randomBytes(12);
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        reject(new Error(`no STUN answer from ${this.#server.ip}:${this.#server.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (packet: Buffer) => {
        if (!isBindingSuccess(packet, transactionId)) return;
        clearTimeout(timer);
        this.socket.off('message', onMessage);
        resolve();
      };
      this.socket.on('message', onMessage);
    });
    this.socket.send(bindingRequest(this.#credentials, transactionId), this.#server.port, this.#server.ip);
    await answered;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
