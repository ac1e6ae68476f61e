// Every feature of the protocol, one line each. A new feature adds its file beside this one and its
// line here; src/shared/protocol.ts gathers their requests and events.
export { session } from './session.js';
export { space } from './space.js';
export { stage } from './stage.js';
export { queue } from './queue.js';
export { media } from './media.js';
export { moderation } from './moderation.js';
export { reactions } from './reactions.js';
export { replay } from './replay.js';
export { accounts } from './accounts.js';
export { schedule } from './schedule.js';
export { captions } from './captions.js';
export { backchannel } from './backchannel.js';
