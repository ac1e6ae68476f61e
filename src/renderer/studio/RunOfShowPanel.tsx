// The run of show's card: the segment on air with its time left (amber in the last minute, red when
// over), the show's planned end, Next segment, and the segments to edit. Renders session.state.show.
import { useState } from 'react';
import type { Segment } from '../../shared/run-of-show';
import { formatClock } from '../ui/format';
import { formatCombo } from './shortcuts/combos';
import type { RunOfShowState } from './RunOfShow';

interface RunOfShowPanelProps {
  show: RunOfShowState;
  live: boolean;
  nextKey: string | null | undefined;
  onNext(): void;
  onEdit(segments: Segment[]): void;
}

/** "2:00" or "15" (minutes) → seconds; NaN when it reads as neither. */
function parseLength(text: string): number {
  const parts = text.trim().split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p) || p < 0)) return NaN;
  return parts.length === 1 ? Math.round(parts[0]! * 60) : parts.reduce((sum, p) => sum * 60 + p, 0);
}

export function RunOfShowPanel({ show, live, nextKey, onNext, onEdit }: RunOfShowPanelProps) {
  const [title, setTitle] = useState('');
  const [length, setLength] = useState('');
  const running = show.segments[show.current];
  const left = show.leftSeconds ?? 0;

  function add() {
    onEdit([...show.segments, { id: `seg-${Date.now().toString(36)}`, title, plannedSeconds: parseLength(length) }]);
    setTitle('');
    setLength('');
  }

  return (
    <section className="card run-of-show" data-testid="run-of-show">
      <h2>Run of show</h2>
      {running ? (
        <div className={`segment-clock ${show.clock}`} data-testid="segment-clock">
          <span className="segment-title">{running.title}</span>
          <span className="segment-left">{left < 0 ? `+${formatClock(-left)} over` : formatClock(left)}</span>
        </div>
      ) : (
        <p className="muted">{show.segments.length ? 'Not started: Next segment starts the first.' : 'Add the segments of your show.'}</p>
      )}
      {show.plannedEndAt !== undefined && <p className="muted">Planned end {new Date(show.plannedEndAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</p>}
      <button data-testid="next-segment" disabled={!live || !show.hasNext} onClick={onNext}>
        Next segment <kbd>{formatCombo(nextKey)}</kbd>
      </button>
      <ol className="segments">
        {show.segments.map((segment, i) => (
          <li key={segment.id} className={i === show.current ? 'on-air' : i < show.current ? 'done' : ''}>
            <span>{segment.title}</span> <span className="muted">{formatClock(segment.plannedSeconds)}</span>
            <button className="link" aria-label={`Remove ${segment.title}`} disabled={i === show.current} onClick={() => onEdit(show.segments.filter((s) => s.id !== segment.id))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div className="share-row">
        <input placeholder="Segment" value={title} onChange={(e) => setTitle(e.target.value)} />
        <input placeholder="Length (2:00)" value={length} onChange={(e) => setLength(e.target.value)} size={8} />
        <button onClick={add}>Add</button>
      </div>
    </section>
  );
}
