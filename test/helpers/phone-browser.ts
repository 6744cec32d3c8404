/**
 * A phone's browser with JavaScript off, for flow tests over real HTTP: it keeps cookies per host
 * (ports ignored, as browsers do), follows HTTP redirects and meta refreshes (resolved against the
 * page's <base href>), and submits a form the way its submit button would. Every request is logged,
 * so a test can prove that nothing left 127.0.0.1.
 */

export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

export interface FormField {
  name: string;
  value: string;
}

export interface Form {
  id?: string;
  name?: string;
  action: string;
  method: 'get' | 'post';
  /** The fields a browser would send as the page stands: hidden, text and checked inputs, textareas, selected options. */
  fields: FormField[];
  /** All the field names the form has, sent or not (e.g. an unchecked checkbox). */
  names: string[];
  html: string;
}

export interface RequestRecord {
  method: string;
  url: string;
  status: number;
}

const MAX_HOPS = 20;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…' };

/** Decodes the character references of an HTML attribute value or text. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag, names lower-cased and values decoded. */
export function parseAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const inner = tag.replace(/^<[a-z0-9]+/i, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    attributes[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/** Every start tag of one element name in the page, with its attributes. */
export function findTags(html: string, name: string): Array<{ tag: string; attributes: Record<string, string>; index: number }> {
  const found = [];
  for (const match of html.matchAll(new RegExp(`<${name}(?=[\\s/>])[^>]*>`, 'gi'))) {
    found.push({ tag: match[0], attributes: parseAttributes(match[0]), index: match.index });
  }
  return found;
}

/** The URL relative references in the page resolve against: <base href> when there is one. */
export function baseUrlOf(html: string, pageUrl: string): string {
  const base = findTags(html, 'base').find((tag) => tag.attributes.href !== undefined);
  return base ? new URL(base.attributes.href, pageUrl).toString() : pageUrl;
}

/** The target of a <meta http-equiv="refresh">, resolved, or undefined. */
export function findMetaRefresh(html: string, pageUrl: string): string | undefined {
  const meta = findTags(html, 'meta').find((tag) => tag.attributes['http-equiv']?.toLowerCase() === 'refresh');
  if (!meta) return undefined;
  const match = /^\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?(['"]?)(.*)\1\s*$/i.exec(meta.attributes.content ?? '');
  if (!match || match[2] === '') return undefined;
  return new URL(match[2].trim(), baseUrlOf(html, pageUrl)).toString();
}

/** The href of the <a> with this id, resolved. */
export function findLink(html: string, pageUrl: string, id: string): string | undefined {
  const link = findTags(html, 'a').find((tag) => tag.attributes.id === id);
  return link?.attributes.href === undefined ? undefined : new URL(link.attributes.href, baseUrlOf(html, pageUrl)).toString();
}

/** The forms of a page and what each would send. */
export function parseForms(html: string, pageUrl: string): Form[] {
  const base = baseUrlOf(html, pageUrl);
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form(?=[\s>])[^>]*>([\s\S]*?)<\/form>/gi)) {
    const attributes = parseAttributes(/^<form[^>]*>/i.exec(match[0])![0]);
    const body = match[1];
    const fields: FormField[] = [];
    const names: string[] = [];
    for (const { attributes: input } of findTags(body, 'input')) {
      const type = (input.type ?? 'text').toLowerCase();
      if (!input.name || type === 'submit' || type === 'button' || type === 'image' || type === 'reset') continue;
      names.push(input.name);
      if ((type === 'checkbox' || type === 'radio') && input.checked === undefined) continue;
      fields.push({ name: input.name, value: input.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '') });
    }
    for (const textarea of body.matchAll(/<textarea[^>]*>([\s\S]*?)<\/textarea>/gi)) {
      const name = parseAttributes(/^<textarea[^>]*>/i.exec(textarea[0])![0]).name;
      if (!name) continue;
      names.push(name);
      fields.push({ name, value: decodeEntities(textarea[1]) });
    }
    for (const select of body.matchAll(/<select[^>]*>([\s\S]*?)<\/select>/gi)) {
      const name = parseAttributes(/^<select[^>]*>/i.exec(select[0])![0]).name;
      if (!name) continue;
      names.push(name);
      const options = findTags(select[1], 'option');
      const chosen = options.find((o) => o.attributes.selected !== undefined) ?? options[0];
      if (chosen) fields.push({ name, value: chosen.attributes.value ?? '' });
    }
    forms.push({
      id: attributes.id,
      name: attributes.name,
      action: new URL(attributes.action || pageUrl, base).toString(),
      method: attributes.method?.toLowerCase() === 'post' ? 'post' : 'get',
      fields,
      names,
      html: match[0],
    });
  }
  return forms;
}

/** The visible text of a page, tags removed and white space collapsed: what a person reads. */
export function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  ).trim();
}

/** Which form to submit: by id, name, the path its action posts to (e.g. '/login/click'), or its place on the page. */
export interface FormChoice {
  id?: string;
  name?: string;
  action?: string;
  index?: number;
}

function matchesForm(form: Form, which: FormChoice): boolean {
  if (which.id === undefined && which.name === undefined && which.action === undefined) return false;
  return (
    (which.id === undefined || form.id === which.id) &&
    (which.name === undefined || form.name === which.name) &&
    (which.action === undefined || new URL(form.action).pathname === which.action)
  );
}

export interface NavigateOptions {
  /** Follow <meta http-equiv="refresh"> (default true); false stops on the page that has one. */
  followRefresh?: boolean;
}

interface StoredCookie {
  value: string;
  expiresAt?: number;
}

export class PhoneBrowser {
  /** Every request sent, in order. */
  readonly requests: RequestRecord[] = [];
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  constructor(private readonly options: { acceptLanguage?: string; userAgent?: string; now?: () => number } = {}) {}

  /** Sets a cookie as if the host had sent it (e.g. the emulated hotspot's MAC cookie). */
  setCookie(host: string, name: string, value: string): void {
    this.cookiesFor(host).set(name, { value });
  }

  cookie(host: string, name: string): string | undefined {
    return this.liveCookies(host).get(name);
  }

  /** Opens a URL as a typed address or a tapped link, and follows redirects and (unless told not to) meta refreshes. */
  open(url: string, options: NavigateOptions = {}): Promise<Page> {
    return this.navigate('GET', url, undefined, options);
  }

  /** Posts fields to a URL as a form with them would (e.g. the portal's handoff form, built by a test). */
  post(url: string, fields: Record<string, string>, options: NavigateOptions = {}): Promise<Page> {
    return this.navigate('POST', url, new URLSearchParams(fields).toString(), options);
  }

  /**
   * Submits a form of the page as its submit button would, with some fields set as a person would
   * fill them in (a value of null unchecks or removes the field); then follows where it leads.
   */
  submit(
    page: Page,
    which: FormChoice = {},
    fill: Record<string, string | null> = {},
    options: NavigateOptions = {},
  ): Promise<Page> {
    const forms = parseForms(page.html, page.url);
    const byPlace = which.id === undefined && which.name === undefined && which.action === undefined;
    const form = byPlace ? forms[which.index ?? 0] : forms.find((f) => matchesForm(f, which));
    if (!form) throw new Error(`no such form on ${page.url}: ${JSON.stringify(which)}; the page has ${forms.map((f) => f.id ?? f.name ?? f.action).join(', ') || 'none'}`);
    const fields = form.fields.filter((f) => !(f.name in fill));
    for (const [name, value] of Object.entries(fill)) if (value !== null) fields.push({ name, value });
    const body = new URLSearchParams(fields.map((f): [string, string] => [f.name, f.value])).toString();
    if (form.method === 'get') {
      const target = new URL(form.action);
      target.search = body;
      return this.navigate('GET', target.toString(), undefined, options);
    }
    return this.navigate('POST', form.action, body, options);
  }

  private cookiesFor(host: string): Map<string, StoredCookie> {
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  private liveCookies(host: string): Map<string, string> {
    const now = this.options.now?.() ?? Date.now();
    const live = new Map<string, string>();
    for (const [name, cookie] of this.cookiesFor(host)) if (cookie.expiresAt === undefined || cookie.expiresAt > now) live.set(name, cookie.value);
    return live;
  }

  private storeCookies(host: string, headers: Headers): void {
    const now = this.options.now?.() ?? Date.now();
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const cookie: StoredCookie = { value: pair.slice(at + 1).trim() };
      for (const attribute of attributes) {
        const [key, value = ''] = attribute.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'max-age') cookie.expiresAt = now + Number(value) * 1000;
        if (key.toLowerCase() === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
      }
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.cookiesFor(host).delete(name);
      else this.cookiesFor(host).set(name, cookie);
    }
  }

  private async request(method: string, url: string, body?: string): Promise<Page> {
    const host = new URL(url).hostname;
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'citywifi-test-phone/1 (JavaScript off)' };
    if (this.options.acceptLanguage) headers['accept-language'] = this.options.acceptLanguage;
    const cookies = [...this.liveCookies(host)].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookies) headers.cookie = cookies;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.storeCookies(host, response.headers);
    const html = await response.text();
    this.requests.push({ method, url, status: response.status });
    return { url, status: response.status, html, headers: response.headers };
  }

  private async navigate(method: string, url: string, body: string | undefined, options: NavigateOptions): Promise<Page> {
    let page = await this.request(method, url, body);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const location = page.headers.get('location');
      if (page.status >= 300 && page.status < 400 && location) {
        const keep = (page.status === 307 || page.status === 308) && method === 'POST';
        page = await this.request(keep ? 'POST' : 'GET', new URL(location, page.url).toString(), keep ? body : undefined);
        if (!keep) method = 'GET';
        continue;
      }
      const refresh = page.status === 200 && options.followRefresh !== false ? findMetaRefresh(page.html, page.url) : undefined;
      if (!refresh) return page;
      method = 'GET';
      page = await this.request('GET', refresh);
    }
    throw new Error(`more than ${MAX_HOPS} redirects from ${url}`);
  }
}
