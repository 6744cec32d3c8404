/**
 * The router's commands once logged in: each print command lists its items, filtered by the query,
 * trimmed by `=.proplist=`, or counted with `=count-only=`; an empty answer is `!empty` + `!done`
 * from 7.18 and a bare `!done` before; an unknown command or a missing package is the double
 * `!trap` of PROTOCOLS.md §B.3. Connection matters (login, tags, `/cancel`, faults) are in connection.ts.
 */
import { applyProplist, matchesQuery, QueryError } from './query.js';
import type { RouterSpec, RouterState } from './router.js';
import { done, empty, re, trap, type Item, type Reply, type Request } from './sentence.js';
import {
  clockItems,
  healthItems,
  hotspotActiveItems,
  identityItems,
  interfaceItems,
  registrationItems,
  resourceItems,
  routerboardItems,
  wirelessItems,
} from './tables.js';

type Lister = (spec: RouterSpec, state: RouterState) => Item[];

interface Menu {
  list: Lister;
  /** Only on routers with the wireless package. */
  wireless?: boolean;
}

/** Every print command the emulated routers know, by menu path. */
export const MENUS: Readonly<Record<string, Menu>> = {
  '/system/resource': { list: resourceItems },
  '/system/identity': { list: identityItems },
  '/system/routerboard': { list: routerboardItems },
  '/system/health': { list: healthItems },
  '/system/clock': { list: clockItems },
  '/interface': { list: interfaceItems },
  '/interface/wireless': { list: wirelessItems, wireless: true },
  '/interface/wireless/registration-table': { list: registrationItems, wireless: true },
  '/ip/hotspot/active': { list: hotspotActiveItems },
};

/** What a command leads to: replies now, or a ping that sends a probe every interval. */
export type Outcome = { kind: 'replies'; replies: Reply[] } | { kind: 'ping'; address: string; count: number | undefined; intervalMs: number };

/**
 * `no such command or directory (x)` names the first path part the router does not know (for a
 * missing wireless package: `wireless`), then `no such command prefix`, then `!done`.
 */
export function noSuchCommand(command: string, spec: RouterSpec, tag: string | undefined): Reply[] {
  const parts = command.split('/').filter((p) => p !== '');
  const known = Object.keys(MENUS).filter((path) => spec.formats.wirelessPackage || !MENUS[path].wireless);
  let unknownPart = parts[parts.length - 1] ?? '';
  for (let k = 1; k <= parts.length - 1; k++) {
    const prefix = `/${parts.slice(0, k).join('/')}`;
    if (!known.some((path) => path === prefix || path.startsWith(`${prefix}/`))) {
      unknownPart = parts[k - 1];
      break;
    }
  }
  return [trap(`no such command or directory (${unknownPart})`, tag, 0), trap('no such command prefix', tag), done(tag)];
}

function print(menu: Menu, request: Request, spec: RouterSpec, state: RouterState): Reply[] {
  const { tag } = request;
  let items: Item[];
  try {
    items = menu.list(spec, state).filter((item) => matchesQuery(item, request.queries));
  } catch (error) {
    if (error instanceof QueryError) return [trap(error.message, tag, 1), done(tag)];
    throw error;
  }
  if (request.attributes.has('count-only')) return [done(tag, String(items.length))];
  if (items.length === 0) return spec.formats.emptyReply ? [empty(tag), done(tag)] : [done(tag)];
  const proplist = request.attributes.get('.proplist');
  return [...items.map((item) => re(applyProplist(item, proplist), tag)), done(tag)];
}

/** Runs one command of a logged-in session against the router as it is at `state.at`. */
export function runCommand(request: Request, spec: RouterSpec, state: RouterState): Outcome {
  const { command, tag } = request;
  if (command === '/ping') {
    const address = request.attributes.get('address');
    if (!address) return { kind: 'replies', replies: [trap('missing value(s) of argument(s) address', tag, 1), done(tag)] };
    const countText = request.attributes.get('count');
    const count = countText !== undefined && /^\d+$/.test(countText) ? Number(countText) : undefined;
    const intervalText = request.attributes.get('interval');
    const intervalMs = intervalText && /^\d+(\.\d+)?$/.test(intervalText) ? Math.max(10, Number(intervalText) * 1000) : 1000;
    return { kind: 'ping', address, count, intervalMs };
  }
  const slash = command.lastIndexOf('/');
  const path = command.slice(0, slash);
  const verb = command.slice(slash + 1);
  const menu = MENUS[path];
  if (!menu || (menu.wireless && !spec.formats.wirelessPackage) || verb !== 'print') {
    return { kind: 'replies', replies: noSuchCommand(command, spec, tag) };
  }
  return { kind: 'replies', replies: print(menu, request, spec, state) };
}
