// The handlers of the captions requests (schemas in src/shared/protocol.ts, roles in access.ts).
import { ProtocolError } from '../../shared/errors.js';
import type { CaptionRequest } from '../../shared/captions-requests.js';
import { joinedOrThrow, type Handler, type HandlerContext } from '../handlers.js';
import type { SpaceCaptions } from './SpaceCaptions.js';

const EMPTY = {} as Record<string, never>;

function captionsOf(ctx: HandlerContext) {
  const joined = joinedOrThrow(ctx);
  const captions: SpaceCaptions | undefined = ctx.sfu.captions.of(joined.space.id);
  if (!captions) throw new ProtocolError('space_ended', 'this space has ended');
  return { ...joined, captions };
}

export const captionHandlers: { [T in CaptionRequest]: Handler<T> } = {
  async 'captions.settings'(ctx, { enabled }) {
    captionsOf(ctx).captions.setEnabled(enabled);
    return EMPTY;
  },

  async 'captions.show'(ctx, { show }) {
    const { member, captions } = captionsOf(ctx);
    return { lines: captions.show(member, show) };
  },

  async 'captions.decline'(ctx, { declined }) {
    const { member, captions } = captionsOf(ctx);
    captions.decline(member, declined);
    return EMPTY;
  },

  async 'captions.editor'(ctx, { memberId, editor }) {
    const { space, captions } = captionsOf(ctx);
    const target = space.member(memberId);
    if (!target) throw new ProtocolError('not_found', 'nobody with that id is in this space');
    captions.setEditor(target, editor);
    return EMPTY;
  },

  async 'captions.correct'(ctx, { lineId, text }) {
    const { member, captions } = captionsOf(ctx);
    captions.correct(member, lineId, text);
    return EMPTY;
  },

  async 'captions.hide'(ctx, { lineId, hidden }) {
    const { member, captions } = captionsOf(ctx);
    captions.hide(member, lineId, hidden);
    return EMPTY;
  },
};
