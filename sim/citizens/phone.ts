/**
 * A simulated citizen's phone browser, JavaScript off: cookies per host (ports ignored, as browsers
 * do), HTTP redirects and meta refreshes followed, forms submitted the way their button would. Just
 * enough HTML reading for the router's pages and the portal's forms.
 */

export interface Page {
  url: string;
  status: number;
  html: string;
}

interface Form {
  id?: string;
  action: string;
  method: 'get' | 'post';
  fields: Array<[string, string]>;
}

const MAX_HOPS = 10;
const TIMEOUT_MS = 15_000;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
  });
}

function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const inner = tag.replace(/^<[a-z0-9]+/i, '').replace(/\/?>$/, '');
  for (const m of inner.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function baseOf(html: string, url: string): string {
  const base = /<base\s[^>]*>/i.exec(html);
  const href = base ? attributesOf(base[0]).href : undefined;
  return href ? new URL(href, url).toString() : url;
}

function metaRefresh(html: string, url: string): string | undefined {
  for (const m of html.matchAll(/<meta\s[^>]*>/gi)) {
    const a = attributesOf(m[0]);
    if (a['http-equiv']?.toLowerCase() !== 'refresh') continue;
    const target = /^\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?(['"]?)(.*)\1\s*$/i.exec(a.content ?? '');
    if (target && target[2]) return new URL(target[2].trim(), baseOf(html, url)).toString();
  }
  return undefined;
}

function formsOf(html: string, url: string): Form[] {
  const base = baseOf(html, url);
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form(?=[\s>])[^>]*>([\s\S]*?)<\/form>/gi)) {
    const a = attributesOf(/^<form[^>]*>/i.exec(m[0])![0]);
    const fields: Array<[string, string]> = [];
    for (const input of m[1].matchAll(/<input(?=[\s/>])[^>]*>/gi)) {
      const i = attributesOf(input[0]);
      const type = (i.type ?? 'text').toLowerCase();
      if (!i.name || ['submit', 'button', 'image', 'reset'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && i.checked === undefined) continue;
      fields.push([i.name, i.value ?? '']);
    }
    forms.push({ id: a.id, action: new URL(a.action || url, base).toString(), method: a.method?.toLowerCase() === 'post' ? 'post' : 'get', fields });
  }
  return forms;
}

/** The href of the first link whose target path is `path`, resolved against the page. */
export function findLinkTo(page: Page, path: string): string | undefined {
  for (const m of page.html.matchAll(/<a\s[^>]*>/gi)) {
    const href = attributesOf(m[0]).href;
    if (!href) continue;
    const target = new URL(href, baseOf(page.html, page.url));
    if (target.pathname === path) return target.toString();
  }
  return undefined;
}

export class Phone {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(private readonly userAgent: string) {}

  setCookie(host: string, name: string, value: string): void {
    this.cookies(host).set(name, value);
  }

  open(url: string): Promise<Page> {
    return this.navigate('GET', url);
  }

  /** Submits the form whose id is `id` or whose action ends in the path `action`, with some fields filled in. */
  submit(page: Page, which: { id?: string; action?: string }, fill: Record<string, string> = {}): Promise<Page> {
    const form = formsOf(page.html, page.url).find((f) => (which.id !== undefined ? f.id === which.id : new URL(f.action).pathname === which.action));
    if (!form) throw new Error(`no form ${which.id ?? which.action} on ${new URL(page.url).pathname} (status ${page.status})`);
    const fields = form.fields.filter(([name]) => !(name in fill));
    fields.push(...Object.entries(fill));
    const body = new URLSearchParams(fields).toString();
    if (form.method === 'get') {
      const target = new URL(form.action);
      target.search = body;
      return this.navigate('GET', target.toString());
    }
    return this.navigate('POST', form.action, body);
  }

  private cookies(host: string): Map<string, string> {
    let c = this.jar.get(host);
    if (!c) this.jar.set(host, (c = new Map()));
    return c;
  }

  private async request(method: string, url: string, body?: string): Promise<Page & { location: string | null }> {
    const host = new URL(url).hostname;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, 'accept-language': 'id-ID,id;q=0.9' };
    const cookie = [...this.cookies(host)].map(([n, v]) => `${n}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const expired = /max-age=0\b/i.test(line);
      if (expired) this.cookies(host).delete(pair.slice(0, at).trim());
      else this.cookies(host).set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return { url, status: response.status, html: await response.text(), location: response.headers.get('location') };
  }

  private async navigate(method: string, url: string, body?: string): Promise<Page> {
    let page = await this.request(method, url, body);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (page.status >= 300 && page.status < 400 && page.location) {
        const keep = (page.status === 307 || page.status === 308) && method === 'POST';
        if (!keep) method = 'GET';
        page = await this.request(method, new URL(page.location, page.url).toString(), keep ? body : undefined);
        continue;
      }
      const refresh = page.status === 200 ? metaRefresh(page.html, page.url) : undefined;
      if (!refresh) break;
      method = 'GET';
      page = await this.request('GET', refresh);
    }
    return { url: page.url, status: page.status, html: page.html };
  }
}
