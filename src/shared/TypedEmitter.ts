// A tiny event emitter with a typed map of events, usable in Node and in the browser.
// A throwing listener is reported to `onListenerError` and never breaks the emitter or its caller.

export type EventsMap = Record<string, unknown[]>;
export type Listener<A extends unknown[]> = (...args: A) => void;
/** How listeners are stored: their argument types are known only per event. */
type AnyListener = (...args: never[]) => void;

export class TypedEmitter<E extends EventsMap> {
  /** Listeners per event name, in the order they were added. */
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();
  /** Where errors thrown by listeners go. */
  onListenerError: (error: unknown, event: keyof E) => void = (error, event) => {
    // src/shared has no DOM or Node typings; every runtime we target has a console.
    (globalThis as { console?: { error(...data: unknown[]): void } }).console?.error(
      `listener for "${String(event)}" threw`,
      error,
    );
  };

  /** Adds a listener and returns the function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as unknown as AnyListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as unknown as AnyListener);
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  protected safeEmit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
