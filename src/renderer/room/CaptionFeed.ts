// Live captions as one client sees them: the lines (partial lines updating in place, final ones,
// corrections and hidden lines applied as they arrive) and where captions stand in the Space. Every
// `caption.line` is checked against the shared schema before it is trusted. A plain class with typed
// events; the listener page and the studio render it, tests drive it in Node.
import { CaptionLineSchema, type CaptionLine, type CaptionState } from '../../shared/captions';
import { can } from '../../shared/protocol';
import { TypedEmitter } from '../../shared/TypedEmitter';
import type { RoomClient } from './RoomClient';

/** Lines kept for display; older ones scroll away (the saved captions keep everything). */
const MAX_LINES = 200;

export type CaptionFeedEvents = {
  /** The lines changed (a new partial, a final, a correction, a line hidden). */
  lines: [lines: CaptionLine[]];
  /** One line as it arrived (new, updated, corrected or hidden), for those who keep every revision. */
  line: [line: CaptionLine];
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
  /** Why this client wants lines from the server: the person shows them, or a recording keeps them. */
  readonly #wants = { show: false, record: false };

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

  /** Whether this member may correct and hide lines, by the request's own access rule (the server checks again). */
  get canEdit(): boolean {
    const role = this.#room.role;
    const memberId = this.#room.memberId;
    if (!role || !memberId || !this.#state) return false;
    return can({ role, captionEditor: this.#state.editors.some((e) => e.memberId === memberId) }, 'captions.correct');
  }

  /** Whether the person shows captions (a recording may receive them while they do not). */
  get showing(): boolean {
    return this.#wants.show;
  }

  /** Show captions (or stop); turning them on brings the latest final lines. */
  async show(show: boolean): Promise<void> {
    this.#wants.show = show;
    await this.#subscribe();
    if (this.#state) this.safeEmit('state', this.#state);
  }

  /** Receive lines for a recording (captions.vtt beside its tracks) whether or not they are shown. */
  async keepForRecording(keep: boolean): Promise<void> {
    this.#wants.record = keep;
    await this.#subscribe();
  }

  async #subscribe(): Promise<void> {
    const receive = this.#wants.show || this.#wants.record;
    const { lines } = await this.#room.request('captions.show', { show: receive });
    if (!receive) this.#lines.clear();
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
    this.safeEmit('line', line);
    this.safeEmit('lines', this.lines());
  }
}
