/**
 * RouterOS's hotspot page language, as the router applies it to login.html and the other servlet
 * pages: `$(name)` is the value, `$(name-esc)` the URL-escaped value, and
 * `$(if name)`, `$(if name == 'text')`, `$(if name != 'text')`, `$(elif …)`, `$(else)`, `$(endif)`
 * choose parts of the page. An unknown variable is empty. Values go in as they are: the router
 * does not HTML-escape them, which is why the pages put values into URLs only through `-esc`.
 */
export type PageVariables = Readonly<Record<string, string | undefined>>;

const TAG = /\$\(([^()]*)\)/g;
const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const CONDITION = /^(\S+)(?:\s*(==|!=)\s*'([^']*)')?$/;

/**
 * The `-esc` form: every UTF-8 byte except the RFC 3986 unreserved characters as %XX (upper-case
 * hex), so the value is safe in a query string, in an HTML attribute and in a quoted JS string
 * (the stock alogin.html feeds it to unescape()). A literal CHAP escape `\371` becomes `%5C371`.
 */
export function escapeForUrl(value: string): string {
  let escaped = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    escaped += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

/** The value of `$(name)` or `$(name-esc)`. */
export function lookUpVariable(name: string, variables: PageVariables): string {
  const plain = variables[name];
  if (plain !== undefined) return plain;
  if (name.endsWith('-esc')) return escapeForUrl(variables[name.slice(0, -'-esc'.length)] ?? '');
  return '';
}

function isTrue(condition: string, variables: PageVariables): boolean {
  const match = CONDITION.exec(condition.trim());
  if (!match) return false;
  const value = lookUpVariable(match[1], variables);
  if (!match[2]) return value !== '';
  return match[2] === '==' ? value === match[3] : value !== match[3];
}

interface Branch {
  /** Whether the text now being read is shown. */
  showing: boolean;
  /** Whether an earlier branch of this if-chain was taken. */
  taken: boolean;
  /** Whether the enclosing block is shown at all. */
  outer: boolean;
}

/** Applies the variables and conditionals to a page, as the router does before sending it. */
export function renderPage(page: string, variables: PageVariables): string {
  const stack: Branch[] = [];
  const showing = () => stack.length === 0 || stack[stack.length - 1].showing;
  let output = '';
  let last = 0;
  for (const match of page.matchAll(TAG)) {
    if (showing()) output += page.slice(last, match.index);
    last = match.index + match[0].length;
    const body = match[1].trim();
    const keyword = /^(if|elif)\s+(.*)$/.exec(body);
    if (keyword?.[1] === 'if') {
      const outer = showing();
      const taken = outer && isTrue(keyword[2], variables);
      stack.push({ showing: taken, taken, outer });
    } else if (keyword?.[1] === 'elif') {
      const branch = stack[stack.length - 1];
      if (!branch) continue;
      branch.showing = branch.outer && !branch.taken && isTrue(keyword[2], variables);
      branch.taken ||= branch.showing;
    } else if (body === 'else') {
      const branch = stack[stack.length - 1];
      if (!branch) continue;
      branch.showing = branch.outer && !branch.taken;
      branch.taken = true;
    } else if (body === 'endif') {
      stack.pop();
    } else if (showing()) {
      output += lookUpVariable(body, variables);
    }
  }
  if (showing()) output += page.slice(last);
  return output;
}
