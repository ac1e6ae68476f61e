// Live captions as one client sees them: the lines (partial lines updating in place, final ones,
// corrections and hidden lines applied as they arrive) and where captions stand in the Space. Every
// `caption.line` is checked against the shared schema before it is trusted. A plain class with typed
// events; the listener page and the studio render it, tests drive it in Node.
import { CaptionLineSchema, mayEditCaptions, type CaptionLine, type CaptionState } from '../../shared/captions';
import { TypedEmitter } from '../../shared/TypedEmitter';
import type { RoomClient } from './RoomClient';

/** Lines kept for display; older ones scroll away (the saved captions keep everything). */
const MAX_LINES = 200;

export type CaptionFeedEvents = {
  /** The lines changed (a new partial, a final, a correction, a line hidden). */
  lines: [lines: CaptionLine[]];
  state: [state: CaptionState];
};

export class CaptionFeed extends TypedEmitter<CaptionFeedEvents> {
  readonly #room: RoomClient;
  /** Visible lines by id, in the order they began. */
  readonly #lines = new Map<string, CaptionLine>();
  #state: CaptionState | undefined;
  /** Lines that failed the schema (a bug on one side); counted, never shown. */
  rejected = 0;
  readonly #offs: Array<() => void>;

  constructor(room: RoomClient) {
    super();
    this.#room = room;
    this.#offs = [
      room.signaling.on('caption.line', (data) => this.#onLine(data)),
      room.signaling.on('captions.state', (state) => {
        this.#state = state;
        this.safeEmit('state', state);
      }),
    ];
  }

  get state(): CaptionState | undefined {
    return this.#state;
  }

  /** Lines to show, oldest first: partial ones (still updating) and final ones, hidden ones left out. */
  lines(): CaptionLine[] {
    return [...this.#lines.values()];
  }

  /** Whether this member may correct and hide lines (the server checks again). */
  get canEdit(): boolean {
    const role = this.#room.role;
    const memberId = this.#room.memberId;
    return !!role && !!memberId && !!this.#state && mayEditCaptions(role, memberId, this.#state);
  }

  /** Show captions (or stop); turning them on brings the latest final lines. */
  async show(show: boolean): Promise<void> {
    const { lines } = await this.#room.request('captions.show', { show });
    if (!show) this.#lines.clear();
    for (const line of lines) this.#onLine(line);
    this.safeEmit('lines', this.lines());
  }

  setEnabled(enabled: boolean): Promise<unknown> {
    return this.#room.request('captions.settings', { enabled });
  }

  decline(declined: boolean): Promise<unknown> {
    return this.#room.request('captions.decline', { declined });
  }

  nameEditor(memberId: string, editor: boolean): Promise<unknown> {
    return this.#room.request('captions.editor', { memberId, editor });
  }

  /** Listeners a host may name caption editor. */
  listListeners(): Promise<{ listeners: Array<{ memberId: string; displayName: string }> }> {
    return this.#room.request('space.listeners', { query: '', limit: 100 });
  }

  correct(lineId: string, text: string): Promise<unknown> {
    return this.#room.request('captions.correct', { lineId, text });
  }

  hide(lineId: string, hidden = true): Promise<unknown> {
    return this.#room.request('captions.hide', { lineId, hidden });
  }

  close(): void {
    for (const off of this.#offs) off();
    this.removeAllListeners();
  }

  #onLine(data: unknown): void {
    const parsed = CaptionLineSchema.safeParse(data);
    if (!parsed.success) {
      this.rejected++;
      return;
    }
    const line = parsed.data;
    const known = this.#lines.get(line.lineId);
    if (known && known.revision >= line.revision) return;
    if (line.hidden) this.#lines.delete(line.lineId);
    else this.#lines.set(line.lineId, line);
    while (this.#lines.size > MAX_LINES) this.#lines.delete(this.#lines.keys().next().value!);
    this.safeEmit('lines', this.lines());
  }
}
