import type { RequestHandler, Router } from 'express';
import { requireAccess, type Access } from '../middleware/roles.js';

/**
 * Every dashboard route is declared with who may use it, and registered only through here: a route
 * cannot exist without an access rule, and the tests walk this list to check every role on every route.
 */
export interface RouteSpec {
  method: 'get' | 'post';
  path: string;
  access: Access;
  handler: RequestHandler;
}

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Async handlers reject into Express's error handler (Express 5 does this for returned promises). */
export function registerRoutes(router: Router, routes: RouteSpec[]): void {
  for (const route of routes) router[route.method](route.path, requireAccess(route.access, isApiPath(route.path)), route.handler);
}
