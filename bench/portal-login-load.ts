// Completed click-through logins, each as one phone and its router do it: GET /login with the router's
// variables, the click-through form (ctx, CSRF token, cookie) posted to /login/click, the handoff form
// read, then the router's Access-Request (CHAP-Password from the handoff's response, CHAP-Challenge,
// Message-Authenticator) sent over UDP to the RADIUS server, and its Access-Accept. A fixed number of
// phones log in one after the other, a closed loop; a login counts once its Accept has arrived.
import http from 'node:http';
import { CODE, RadiusClient, RadiusTimeoutError, type ReplyAttribute } from '../core/radius/index.js';
import { fieldValue, findForm, type HtmlForm } from './portal-forms.js';
import { BENCH_ROUTER, routerVisit, type RouterVisit } from './portal-router-vars.js';

export interface LoginLoadOptions {
  portalUrl: string;
  radius: { host: string; port: number; secret: string };
  /** Phones logging in at once. */
  concurrency: number;
  durationMs: number;
  /** Number of the first phone (each login is a new phone, a new MAC). */
  firstPhone: number;
  onProgress?: (progress: { elapsedMs: number; completed: number; failed: number }) => void;
}

export interface LoginLoadResult {
  completed: number;
  failed: number;
  /** The first few failures, one line each, for the report. */
  failures: string[];
  /** Failures by the step that failed. */
  failedAt: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Time per step (ms, p50) of the completed logins: page, form post, RADIUS. */
  stepsP50Ms: { page: number; click: number; radius: number };
  generatorCpu: number;
  nextPhone: number;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

class LoginFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

function request(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** name=value pairs from Set-Cookie headers, as the browser sends them back. */
function cookieHeader(reply: Reply, jar: Map<string, string>): string {
  for (const line of reply.headers['set-cookie'] ?? []) {
    const pair = line.split(';', 1)[0];
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The Access-Request the router sends after the phone posts the handoff form (PROTOCOLS.md A.6). */
export function accessRequestFor(visit: RouterVisit, username: string, chapResponseHex: string, nasPort: number): ReplyAttribute[] {
  return [
    ['User-Name', username],
    ['CHAP-Password', Buffer.concat([Buffer.of(visit.chapId), Buffer.from(chapResponseHex, 'hex')])],
    ['CHAP-Challenge', visit.challenge],
    ['NAS-Identifier', BENCH_ROUTER.identity],
    ['NAS-IP-Address', '127.0.0.1'],
    ['NAS-Port', nasPort],
    ['NAS-Port-Type', 'Wireless-802.11'],
    ['NAS-Port-Id', 'bridge-hotspot'],
    ['Calling-Station-Id', visit.mac],
    ['Called-Station-Id', BENCH_ROUTER.serverName],
    ['Framed-IP-Address', visit.ip],
    ['Acct-Session-Id', (0x80000000 + (nasPort % 0x7fffffff)).toString(16)],
  ];
}

export interface LoginSteps {
  page: number;
  click: number;
  radius: number;
  handoff: HtmlForm;
  accept: Awaited<ReturnType<RadiusClient['request']>>;
}

/** One phone's whole click-through login; throws LoginFailure naming the step that went wrong. */
export async function loginOnce(agent: http.Agent, portal: URL, radius: RadiusClient, phone: number): Promise<LoginSteps> {
  const visit = routerVisit(phone);
  const jar = new Map<string, string>();
  const t0 = performance.now();
  const page = await request(agent, new URL(`/login?${visit.query}`, portal), 'GET', { accept: 'text/html', 'accept-language': 'id-ID,id;q=0.9' }).catch((e: Error) => {
    throw new LoginFailure('page', e.message);
  });
  if (page.status !== 200) throw new LoginFailure('page', `GET /login answered ${page.status}`);
  const click = findForm(page.body, (f) => f.action.endsWith('/login/click'));
  if (!click) throw new LoginFailure('page', 'the login page has no form posting to /login/click');
  const t1 = performance.now();
  const fields = new URLSearchParams(click.fields);
  if (!fields.has('accept_terms')) fields.set('accept_terms', 'on');
  const posted = await request(
    agent,
    new URL(click.action, new URL('/login', portal)),
    'POST',
    { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(page, jar), accept: 'text/html', origin: portal.origin, referer: new URL(`/login?${visit.query}`, portal).href },
    fields.toString(),
  ).catch((e: Error) => {
    throw new LoginFailure('click', e.message);
  });
  if (posted.status !== 200) throw new LoginFailure('click', `POST ${click.action} answered ${posted.status}: ${posted.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 160)}`);
  const handoff = findForm(posted.body, (f) => f.id === 'handoff');
  if (!handoff) throw new LoginFailure('click', 'the answer to /login/click has no form id="handoff"');
  const username = fieldValue(handoff, 'username');
  const password = fieldValue(handoff, 'password');
  if (!username || !password || !/^[0-9a-f]{32}$/.test(password)) throw new LoginFailure('click', 'the handoff form lacks username or a CHAP response');
  if (handoff.action !== `http://${BENCH_ROUTER.hotspotAddress}/login`) throw new LoginFailure('click', `the handoff posts to ${handoff.action}, not link-login-only`);
  const t2 = performance.now();
  let accept;
  try {
    accept = await radius.request(CODE.ACCESS_REQUEST, accessRequestFor(visit, username, password, phone));
  } catch (error) {
    throw new LoginFailure('radius', error instanceof RadiusTimeoutError ? 'no RADIUS answer in 2 s' : (error as Error).message);
  }
  if (accept.code !== CODE.ACCESS_ACCEPT) {
    const message = accept.attributes['Reply-Message'];
    throw new LoginFailure('radius', `Access-Reject${message ? `: ${String(message)}` : ''}`);
  }
  return { page: t1 - t0, click: t2 - t1, radius: performance.now() - t2, handoff, accept };
}

export function makeAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export function makeRadiusClients(options: LoginLoadOptions['radius'], concurrency: number): RadiusClient[] {
  // At most 128 requests in flight per socket: identifiers are one byte.
  return Array.from({ length: Math.ceil(concurrency / 128) }, () => new RadiusClient({ ...options, timeoutMs: 2000, retries: 0 }));
}

export async function runLoginLoad(options: LoginLoadOptions): Promise<LoginLoadResult> {
  const portal = new URL(options.portalUrl);
  const agent = makeAgent(options.concurrency);
  const radiusClients = makeRadiusClients(options.radius, options.concurrency);
  const latencies: number[] = [];
  const steps = { page: [] as number[], click: [] as number[], radius: [] as number[] };
  const failures: string[] = [];
  const failedAt: Record<string, number> = {};
  let failed = 0;
  let nextPhone = options.firstPhone;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + options.durationMs;
  const ticker = setInterval(() => options.onProgress?.({ elapsedMs: performance.now() - start, completed: latencies.length, failed }), 1000);

  const phoneLoop = async (lane: number) => {
    const radius = radiusClients[lane % radiusClients.length];
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const done = await loginOnce(agent, portal, radius, nextPhone++);
        if (performance.now() <= deadline) {
          latencies.push(performance.now() - t0);
          steps.page.push(done.page);
          steps.click.push(done.click);
          steps.radius.push(done.radius);
        }
      } catch (error) {
        failed++;
        const step = error instanceof LoginFailure ? error.step : 'other';
        failedAt[step] = (failedAt[step] ?? 0) + 1;
        if (failures.length < 5) failures.push(`${step}: ${(error as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, lane) => phoneLoop(lane)));
  } finally {
    clearInterval(ticker);
    agent.destroy();
    await Promise.all(radiusClients.map((c) => c.close()));
  }
  const elapsedMs = Math.min(performance.now(), deadline) - start;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  const p50 = (values: number[]) => percentile(Float64Array.from(values).sort(), 50);
  return {
    completed: latencies.length,
    failed,
    failures,
    failedAt,
    elapsedMs,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    stepsP50Ms: { page: p50(steps.page), click: p50(steps.click), radius: p50(steps.radius) },
    generatorCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - start),
    nextPhone,
  };
}
