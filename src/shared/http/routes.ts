// Every HTTP API route, by name: one table for the server's router and the typed client. A feature
// declares its routes in one file of this folder and adds one line here.
import { accountRoutes } from './accounts.js';
import { moderationRoutes } from './moderation.js';
import { profileRoutes } from './profiles.js';
import { ticketRoutes } from './tickets.js';

export const HTTP_ROUTES = {
  ...accountRoutes,
  ...profileRoutes,
  ...moderationRoutes,
  ...ticketRoutes,
} as const;

export type HttpRoutes = typeof HTTP_ROUTES;
export type HttpRouteName = keyof HttpRoutes;
export const HTTP_ROUTE_NAMES = Object.keys(HTTP_ROUTES) as HttpRouteName[];
