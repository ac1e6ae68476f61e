// A bare WebSocket client that sends arbitrary frames and collects what the server answers. It says
// hello first (as every real client does) unless told not to; that answer is not kept.
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';

export class RawClient {
  readonly ws: WebSocket;
  readonly messages: Array<Record<string, unknown>> = [];
  #waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async connect(url: string, options: { hello?: boolean } = {}): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new RawClient(ws);
    if (options.hello ?? true) {
      client.send(JSON.stringify({ id: 0, type: 'hello', data: { protocolVersion: PROTOCOL_VERSION, client: 'raw test client' } }));
      const [answer] = await client.responses(1);
      if (answer?.ok !== true) throw new Error(`hello refused: ${JSON.stringify(answer)}`);
      client.messages.length = 0;
    }
    return client;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** Waits until `count` responses (not events) have arrived, and returns them. */
  async responses(count: number, timeoutMs = 5000): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.kind === 'response');
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} responses, got ${found.length}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
