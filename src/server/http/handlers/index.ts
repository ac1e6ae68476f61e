// The server's route table: every declared route's handler, by name. A feature adds its handler file
// beside this one and one line here; the compiler refuses a declared route without a handler.
import type { HttpRoutes } from '../../../shared/http/routes.js';
import type { RouteHandlers } from '../handler.js';
import { accountHandlers } from './accounts.js';
import { moderationHandlers } from './moderation.js';
import { profileHandlers } from './profiles.js';
import { ticketHandlers } from './tickets.js';

export const ROUTE_HANDLERS: RouteHandlers<HttpRoutes> = {
  ...accountHandlers,
  ...profileHandlers,
  ...moderationHandlers,
  ...ticketHandlers,
};
