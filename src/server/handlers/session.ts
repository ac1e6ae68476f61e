// The greeting (protocol versions) and the liveness check.
import { ProtocolError } from '../../shared/errors.js';
import { CLOSE_VERSION_MISMATCH, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { session } from '../../shared/protocol/session.js';
import { handlersFor } from './context.js';

export const sessionHandlers = handlersFor(session, {
  async 'hello'(ctx, { protocolVersion, client }) {
    if (protocolVersion !== PROTOCOL_VERSION) {
      ctx.logger.warn('client speaks another protocol version', { client, clientVersion: protocolVersion, serverVersion: PROTOCOL_VERSION });
      ctx.hangUp(CLOSE_VERSION_MISMATCH, 'protocol version mismatch');
      throw new ProtocolError(
        'version_mismatch',
        `this server speaks Hostline protocol ${PROTOCOL_VERSION} and the client protocol ${protocolVersion}: ` +
          (protocolVersion < PROTOCOL_VERSION ? 'reload the page or update the studio' : 'the server needs updating'),
      );
    }
    ctx.greet(client);
    return { protocolVersion: PROTOCOL_VERSION, serverTime: Date.now() };
  },

  async 'ping'() {
    return { serverTime: Date.now() };
  },
});
