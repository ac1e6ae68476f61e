// The server's wall clock as this client sees it: the offset between the server's clock and ours,
// from `ping` round trips (the sample with the shortest round trip wins, its midpoint taken as the
// moment the server read its clock). The studio places caption lines, timed on the server's clock,
// on its own audio clock with it. World-free apart from `performance`.

/** Milliseconds since the epoch on this side's monotonic clock. */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

export class ServerClock {
  readonly #ping: () => Promise<{ serverTime: number }>;
  /** Server clock minus ours, ms; 0 until synced (a studio with an embedded SFU shares its clock). */
  #offsetMs = 0;
  /** The round trip of the sample the offset came from, ms. */
  #roundTripMs = Number.POSITIVE_INFINITY;

  constructor(ping: () => Promise<{ serverTime: number }>) {
    this.#ping = ping;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The offset's uncertainty: half the best round trip, ms. */
  get uncertaintyMs(): number {
    return this.#roundTripMs / 2;
  }

  /** Pings `samples` times and keeps the best estimate (also better than an earlier sync's). */
  async sync(samples = 5): Promise<void> {
    for (let i = 0; i < samples; i++) {
      const sentAt = localNow();
      const { serverTime } = await this.#ping();
      const answeredAt = localNow();
      const roundTrip = answeredAt - sentAt;
      if (roundTrip <= this.#roundTripMs) {
        this.#roundTripMs = roundTrip;
        this.#offsetMs = serverTime - (sentAt + answeredAt) / 2;
      }
    }
  }

  /** A server time on our clock (ms since the epoch, as localNow()). */
  toLocal(serverMs: number): number {
    return serverMs - this.#offsetMs;
  }
}
