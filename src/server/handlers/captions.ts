// Live captions (declared in src/shared/protocol/captions.ts).
import { ProtocolError } from '../../shared/errors.js';
import { captions } from '../../shared/protocol/captions.js';
import type { Space } from '../Space.js';
import type { Sfu } from '../Sfu.js';
import { DONE, handlersFor } from './context.js';

function captionsOf(sfu: Sfu, space: Space) {
  const found = sfu.captions.of(space.id);
  if (!found) throw new ProtocolError('space_ended', 'this space has ended');
  return found;
}

export const captionHandlers = handlersFor(captions, {
  async 'captions.settings'({ sfu, space }, { enabled }) {
    captionsOf(sfu, space).setEnabled(enabled);
    return DONE;
  },
  async 'captions.show'({ sfu, space, member }, { show }) {
    return { lines: captionsOf(sfu, space).show(member, show) };
  },
  async 'captions.decline'({ sfu, space, member }, { declined }) {
    captionsOf(sfu, space).decline(member, declined);
    return DONE;
  },
  async 'captions.editor'({ sfu, space, target }, { editor }) {
    captionsOf(sfu, space).setEditor(target, editor);
    return DONE;
  },
  async 'captions.correct'({ sfu, space, member }, { lineId, text }) {
    captionsOf(sfu, space).correct(member, lineId, text);
    return DONE;
  },
  async 'captions.hide'({ sfu, space, member }, { lineId, hidden }) {
    captionsOf(sfu, space).hide(member, lineId, hidden);
    return DONE;
  },
});
