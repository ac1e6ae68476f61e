// The connection itself: the greeting that exchanges protocol versions, and a liveness check.
import { z } from 'zod';
import { ANYONE } from '../access.js';
import { feature, request } from './define.js';

export const session = feature({
  requests: {
    /**
     * The first request on every connection: the client's protocol version (and what it is, for the
     * logs). A server speaking another version answers `version_mismatch` and closes the connection;
     * any other request before it answers `hello_first`.
     */
    'hello': request({
      data: z.strictObject({ protocolVersion: z.number().int().min(0).max(1_000_000), client: z.string().max(80).optional() }),
      reply: z.object({ protocolVersion: z.number().int(), serverTime: z.number() }),
      access: ANYONE,
    }),
    'ping': request({ data: z.strictObject({}), reply: z.object({ serverTime: z.number() }), access: ANYONE }),
  },
  events: {},
});
