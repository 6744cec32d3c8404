/**
 * The query string of GET /login as the login page's fast path reads it, straight from the request
 * line: the same values Node's querystring (Express's 'simple' query parser) gives, in a fraction of
 * its time (a router's CHAP challenge arrives as dozens of %-escapes, which querystring decodes one
 * at a time). Anything out of the ordinary (a name given twice, a %-escape that is not UTF-8, a `ctx`
 * or `lang`, very many fields) gives undefined, and the request takes the usual route instead.
 */
const MAX_FIELDS = 64;
/** The fields the page reads (router-context.ts readRouterVariables); others (link-login, …) are not decoded. */
const READ = new Set(['mac', 'ip', 'username', 'link-login-only', 'link-orig', 'chap-id', 'chap-challenge', 'error', 'identity', 'server-name']);

function decode(text: string): string | undefined {
  const plain = text.indexOf('+') < 0 ? text : text.replace(/\+/g, ' ');
  if (plain.indexOf('%') < 0) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    return undefined;
  }
}

/**
 * The fields of `/login?…` (or of a bare `/login`), or undefined for another path or an unusual query.
 * Only the router variables' values are decoded; any other field is present with an empty value.
 */
export function readLoginQuery(url: string): Record<string, string> | undefined {
  if (!url.startsWith('/login')) return undefined;
  const fields = Object.create(null) as Record<string, string>;
  if (url.length === 6) return fields;
  if (url.charCodeAt(6) !== 63 /* ? */) return undefined;
  let count = 0;
  let at = 7;
  while (at <= url.length) {
    let end = url.indexOf('&', at);
    if (end < 0) end = url.length;
    if (end > at) {
      if (++count > MAX_FIELDS) return undefined;
      const eq = url.indexOf('=', at);
      const split = eq < 0 || eq > end ? end : eq;
      const name = decode(url.slice(at, split));
      const value = split === end ? '' : READ.has(name as string) ? decode(url.slice(split + 1, end)) : '';
      if (name === undefined || value === undefined || name === 'ctx' || name === 'lang' || name in fields) return undefined;
      fields[name] = value;
    }
    at = end + 1;
  }
  return fields;
}
