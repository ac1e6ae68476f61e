// Live captions in the listener page and the studio: Show captions, the lines (partial ones greyed and
// updating, final ones with the speaker's name), the engine's load, "Don't caption me" for people on
// stage, the host's on/off switch and caption editors, and Fix / Hide on final lines for those who
// may correct them. It only renders a CaptionFeed and calls its methods.
import { useEffect, useRef, useState } from 'react';
import type { CaptionLine, CaptionState } from '../../shared/captions';
import type { SpaceSnapshot } from '../../shared/space';
import type { CaptionFeed } from '../room/CaptionFeed';

function useCaptions(feed: CaptionFeed): { lines: CaptionLine[]; state: CaptionState | undefined } {
  const [lines, setLines] = useState(feed.lines());
  const [state, setState] = useState(feed.state);
  useEffect(() => {
    setLines(feed.lines());
    setState(feed.state);
    const offs = [feed.on('lines', setLines), feed.on('state', setState)];
    return () => offs.forEach((off) => off());
  }, [feed]);
  return { lines, state };
}

const LOAD_NOTICE: Record<string, string> = {
  behind: 'Captions are running behind: lines arrive late while the server catches up. The audio is not affected.',
  shedding: 'Captions are running behind: some words are being skipped to catch up. The audio is not affected.',
  unavailable: 'Captions are unavailable for a moment; they come back on their own.',
};

export function CaptionsPanel({ feed, snapshot, onError }: { feed: CaptionFeed; snapshot: SpaceSnapshot; onError: (message: string) => void }) {
  const { lines, state } = useCaptions(feed);
  const [editing, setEditing] = useState<{ lineId: string; text: string }>();
  const [editorCandidates, setEditorCandidates] = useState<Array<{ memberId: string; displayName: string }>>();
  const list = useRef<HTMLDivElement>(null);
  const role = snapshot.you.role;
  const isHost = role === 'host';
  const hosts = role === 'host' || role === 'cohost';
  const onStage = role !== 'listener';

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
    } catch (error) {
      onError((error as Error).message);
    }
  }

  async function findEditors() {
    const { listeners } = await feed.listListeners();
    const stage = snapshot.stage.filter((m) => m.role === 'speaker').map((m) => ({ memberId: m.memberId, displayName: m.displayName }));
    setEditorCandidates([...stage, ...listeners]);
  }

  if (!state) return null;
  // The person's own choice: a recording may have the server send lines while they are not shown.
  const showing = feed.showing;
  return (
    <section className="card captions" data-testid="captions-panel">
      <h2>Captions</h2>
      <div className="caption-controls">
        <label className="inline">
          <input type="checkbox" data-testid="show-captions" checked={showing} onChange={(e) => void run(() => feed.show(e.target.checked))} />
          Show captions
        </label>
        {hosts && (
          <label className="inline">
            <input type="checkbox" data-testid="captions-enabled" checked={state.enabled} onChange={(e) => void run(() => feed.setEnabled(e.target.checked))} />
            Caption this space
          </label>
        )}
        {onStage && (
          <label className="inline">
            <input type="checkbox" data-testid="decline-captions" checked={state.you.declined} onChange={(e) => void run(() => feed.decline(e.target.checked))} />
            Don’t caption me
          </label>
        )}
      </div>
      {!state.enabled && <p className="caption-note" data-testid="captions-off">The host has turned captions off for this space.</p>}
      {state.enabled && state.load !== 'ok' && (
        <p className="caption-note warn" role="status" data-testid="captions-load">{LOAD_NOTICE[state.load]}</p>
      )}
      {state.enabled && state.you.declined && <p className="caption-note">You are not captioned: nothing you say is transcribed.</p>}
      {isHost && (
        <div className="caption-editors">
          <span>Caption editors: {state.editors.map((e) => e.displayName).join(', ') || 'none (hosts and co-hosts can always correct)'}</span>
          {state.editors.map((e) => (
            <button key={e.memberId} onClick={() => void run(() => feed.nameEditor(e.memberId, false))}>Remove {e.displayName}</button>
          ))}
          {editorCandidates ? (
            <select
              data-testid="caption-editor-select"
              value=""
              onChange={(e) => {
                const memberId = e.target.value;
                setEditorCandidates(undefined);
                if (memberId) void run(() => feed.nameEditor(memberId, true));
              }}
            >
              <option value="">Choose a caption editor…</option>
              {editorCandidates.map((c) => (
                <option key={c.memberId} value={c.memberId}>{c.displayName}</option>
              ))}
            </select>
          ) : (
            <button data-testid="add-caption-editor" onClick={() => void run(findEditors)}>Name a caption editor</button>
          )}
        </div>
      )}
      {showing && (
        <div className="caption-lines" ref={list} data-testid="caption-lines" aria-live="polite">
          {lines.length === 0 && <p className="caption-note">Captions appear here when someone on stage speaks.</p>}
          {lines.map((line) => (
            <div
              key={line.lineId}
              className={`caption-line ${line.final ? 'final' : 'partial'}${line.delayed ? ' delayed' : ''}`}
              data-testid="caption-line"
              data-line-id={line.lineId}
              data-final={line.final}
              data-speaker={line.displayName}
            >
              <span className="caption-speaker">{line.displayName}</span>
              {editing?.lineId === line.lineId ? (
                <form
                  className="caption-edit"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const text = editing.text.trim();
                    setEditing(undefined);
                    if (text && text !== line.text) void run(() => feed.correct(line.lineId, text));
                  }}
                >
                  <input data-testid="caption-edit-input" autoFocus value={editing.text} maxLength={500} onChange={(e) => setEditing({ lineId: line.lineId, text: e.target.value })} />
                  <button type="submit" data-testid="caption-save">Save</button>
                  <button type="button" onClick={() => setEditing(undefined)}>Cancel</button>
                </form>
              ) : (
                <span className="caption-text" data-testid="caption-text">{line.text}</span>
              )}
              {line.skippedSeconds > 0 && <span className="caption-flag">({line.skippedSeconds} s skipped)</span>}
              {line.delayed && <span className="caption-flag">delayed</span>}
              {line.editedBy && <span className="caption-flag" data-testid="caption-corrected">corrected by {line.editedBy}</span>}
              {line.final && feed.canEdit && editing?.lineId !== line.lineId && (
                <span className="caption-actions">
                  <button data-testid="caption-fix" onClick={() => setEditing({ lineId: line.lineId, text: line.text })}>Fix</button>
                  <button data-testid="caption-hide" onClick={() => void run(() => feed.hide(line.lineId))}>Hide</button>
                </span>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
