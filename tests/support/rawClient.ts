// A bare WebSocket client that sends arbitrary frames and collects what the server answers.
import WebSocket from 'ws';

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

  static async connect(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
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
