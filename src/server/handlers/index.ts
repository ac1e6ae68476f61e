// Every request's handler, keyed by request type: one line per feature. The type below makes the
// compiler refuse a declared request without a handler.
import { accountHandlers } from './accounts.js';
import { backchannelHandlers } from './backchannel.js';
import type { HandlerTable } from './context.js';
import { mediaHandlers } from './media.js';
import { moderationHandlers } from './moderation.js';
import { queueHandlers } from './queue.js';
import { captionHandlers } from './captions.js';
import { reactionHandlers } from './reactions.js';
import { scheduleHandlers } from './schedule.js';
import { replayHandlers } from './replay.js';
import { sessionHandlers } from './session.js';
import { spaceHandlers } from './space.js';
import { stageHandlers } from './stage.js';

export const HANDLERS: HandlerTable = {
  ...sessionHandlers,
  ...spaceHandlers,
  ...stageHandlers,
  ...queueHandlers,
  ...mediaHandlers,
  ...moderationHandlers,
  ...reactionHandlers,
  ...replayHandlers,
  ...accountHandlers,
  ...scheduleHandlers,
  ...captionHandlers,
  ...backchannelHandlers,
};
