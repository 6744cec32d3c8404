import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/domain/clock.js';
import { normalizeMac } from '../../core/domain/mac.js';
import type { RadiusAttributes, RadiusReply } from '../../core/radius/index.js';
import { ClientTable, randomMac, type HotspotClient, type LoginBy } from './clients.js';
import { readCookie, readForm, sendHtml, sendRedirect, simplePage } from './http-util.js';
import { pageVariables, type PageContext, type RouterAddress } from './page-variables.js';
import { ROUTER_ERRORS, sessionTermsOf, type AccountingStatus, type Credentials, type HotspotRadius } from './radius-nas.js';
import type { PageName, RouterPages } from './router-files.js';
import { renderPage } from './template.js';

/** The cookie that tells emulated phones apart: it holds the phone's MAC (a test may set it). */
export const MAC_COOKIE = 'hotspot-mac';
/** A request header that forces the client's MAC, ahead of the cookie. */
export const MAC_HEADER = 'x-hotspot-mac';

const CHAP_RESPONSE = /^[0-9a-f]{32}$/i;
const CHALLENGE_LENGTH = 16;

/** Traffic to add to a session's counters, in the router's view (input = upload, output = download). */
export interface Traffic {
  inputOctets?: number;
  outputOctets?: number;
  inputPackets?: number;
  outputPackets?: number;
}

export interface HotspotBehaviour {
  /** login-by=mac: a new client is first tried with User-Name = its MAC. */
  macLogin: boolean;
  /** login-by=http-chap: login pages carry chap-id and chap-challenge; otherwise they are empty (PAP). */
  chap: boolean;
  clock: Clock;
}

/**
 * The behaviour of one MikroTik Hotspot server towards its clients (§A.1): unknown clients are sent
 * to the login page, which is the operator's login.html with the router's variables; a login post
 * becomes an Access-Request; an accepted client has the internet (a page served here).
 */
export class HotspotLogic {
  readonly clients = new ClientTable();

  constructor(
    private readonly router: RouterAddress,
    private readonly pages: RouterPages,
    private readonly radius: HotspotRadius,
    private readonly behaviour: HotspotBehaviour,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.router.origin);
    const client = this.identify(req, res);
    await this.tryMacLogin(client);
    switch (url.pathname) {
      case '/login':
        return this.serveLogin(req, res, url, client);
      case '/logout':
        return this.serveLogout(res, client);
      case '/status':
        return this.serveStatus(res, url, client);
      case '/favicon.ico':
        // The router's own address: a browser asks it for the icon of login.html, and the router
        // answers from its html-directory (a redirect to the login page would show a new challenge).
        return sendHtml(res, 404, simplePage('Not found', ['/favicon.ico']));
      default:
        return this.serveInternet(res, url, client);
    }
  }

  /** Sends Interim-Update for the client's session after adding the traffic to its counters. */
  async interim(mac: string, traffic: Traffic = {}): Promise<RadiusReply> {
    const client = this.clientWithSession(mac);
    const session = client.session!;
    session.inputOctets += traffic.inputOctets ?? 0;
    session.outputOctets += traffic.outputOctets ?? 0;
    session.inputPackets += traffic.inputPackets ?? 0;
    session.outputPackets += traffic.outputPackets ?? 0;
    return this.radius.account(client, session, 'Interim-Update', this.behaviour.clock());
  }

  /** Ends the client's session with Accounting Stop; undefined when it had none. */
  async logout(mac: string, terminateCause = 'User-Request'): Promise<RadiusReply | undefined> {
    const client = this.clients.find(normalizeMac(mac) ?? mac);
    const session = client?.session;
    if (!client || !session) return undefined;
    client.session = undefined;
    // As after a logout on a router, the MAC login is not tried again by itself.
    client.macLoginTried = true;
    return this.radius.account(client, session, 'Stop', this.behaviour.clock(), terminateCause);
  }

  private clientWithSession(mac: string): HotspotClient {
    const client = this.clients.find(normalizeMac(mac) ?? mac);
    if (!client?.session) throw new Error(`no hotspot session for ${mac}`);
    return client;
  }

  private identify(req: IncomingMessage, res: ServerResponse): HotspotClient {
    const forced = normalizeMac(req.headers[MAC_HEADER] as string | undefined);
    const cookie = normalizeMac(readCookie(req, MAC_COOKIE));
    const mac = forced ?? cookie ?? randomMac();
    if (mac !== cookie) res.setHeader('set-cookie', `${MAC_COOKIE}=${mac}; Path=/; HttpOnly; SameSite=Lax`);
    return this.clients.ensure(mac);
  }

  /** login-by=mac: the first request of a client that is not online tries User-Name = MAC once. */
  private tryMacLogin(client: HotspotClient): Promise<void> | undefined {
    if (client.pendingMacLogin) return client.pendingMacLogin;
    if (!this.behaviour.macLogin || client.session || client.macLoginTried) return undefined;
    client.macLoginTried = true;
    client.pendingMacLogin = this.login(client, { kind: 'mac' })
      .then(() => undefined)
      .finally(() => {
        client.pendingMacLogin = undefined;
      });
    return client.pendingMacLogin;
  }

  /** One login try: Access-Request, and on Accept the session and its Accounting Start. */
  private async login(client: HotspotClient, credentials: Credentials): Promise<{ ok: true } | { ok: false; error: string }> {
    const number = this.clients.nextSessionNumber();
    const outcome = await this.radius.authorize(client, credentials, number);
    if (!outcome.accepted) return { ok: false, error: outcome.message };
    const loginBy: LoginBy = credentials.kind === 'mac' ? 'mac' : credentials.kind === 'chap' ? 'http-chap' : 'http-pap';
    await this.startSession(client, credentials.kind === 'mac' ? client.mac : credentials.username, loginBy, number, outcome.attributes);
    return { ok: true };
  }

  private async startSession(
    client: HotspotClient,
    username: string,
    loginBy: LoginBy,
    number: { nasPort: number; acctSessionId: string },
    accept: RadiusAttributes,
  ): Promise<void> {
    const session = {
      username,
      loginBy,
      ...number,
      startedAt: this.behaviour.clock(),
      ...sessionTermsOf(accept),
      inputOctets: 0,
      outputOctets: 0,
      inputPackets: 0,
      outputPackets: 0,
    };
    client.session = session;
    client.chap = undefined;
    await this.sendAccounting(client, 'Start');
  }

  /** A router keeps the client online when its accounting server is slow; so does the emulator. */
  private async sendAccounting(client: HotspotClient, status: AccountingStatus): Promise<void> {
    if (!client.session) return;
    await this.radius.account(client, client.session, status, this.behaviour.clock()).catch(() => undefined);
  }

  private renderFor(client: HotspotClient, page: PageName, context: PageContext): string | undefined {
    const template = this.pages[page];
    return template === undefined ? undefined : renderPage(template, pageVariables(this.router, client, context, this.behaviour.clock()));
  }

  /** The login page with new CHAP values (each view has its own challenge), or flogin.html after a failure. */
  private showLoginPage(res: ServerResponse, client: HotspotClient, context: PageContext): void {
    client.chap = this.behaviour.chap ? { id: randomInt(256), challenge: randomBytes(CHALLENGE_LENGTH) } : undefined;
    const html = (context.error ? this.renderFor(client, 'flogin', context) : undefined) ?? this.renderFor(client, 'login', context)!;
    sendHtml(res, 200, html);
  }

  /** After a login, or for a client already online: alogin.html, or straight to dst without one. */
  private showLoggedIn(res: ServerResponse, client: HotspotClient, dst: string): void {
    const linkRedirect = dst || `${this.router.origin}/`;
    const html = this.renderFor(client, 'alogin', { linkOrig: dst, linkRedirect });
    if (html === undefined) sendRedirect(res, linkRedirect);
    else sendHtml(res, 200, html);
  }

  private async serveLogin(req: IncomingMessage, res: ServerResponse, url: URL, client: HotspotClient): Promise<void> {
    const form = req.method === 'POST' ? await readForm(req) : url.searchParams;
    const dst = form.get('dst') ?? url.searchParams.get('dst') ?? '';
    const username = form.get('username');
    if (client.session) return this.showLoggedIn(res, client, dst);
    if (username === null) return this.showLoginPage(res, client, { linkOrig: dst });
    if (client.loginInProgress) return this.showLoginPage(res, client, { linkOrig: dst, username, error: ROUTER_ERRORS.authInProgress });
    const result = username ? await this.loginOnce(client, this.credentialsFrom(client, username, form.get('password') ?? '')) : undefined;
    if (result?.ok) return this.showLoggedIn(res, client, dst);
    this.showLoginPage(res, client, { linkOrig: dst, username, error: result?.error ?? ROUTER_ERRORS.invalidUsername });
  }

  private async loginOnce(client: HotspotClient, credentials: Credentials): Promise<{ ok: true } | { ok: false; error: string }> {
    client.loginInProgress = true;
    try {
      return await this.login(client, credentials);
    } finally {
      client.loginInProgress = false;
    }
  }

  /** CHAP when the client's latest login page carried a challenge and the password is a 32-hex response; PAP otherwise. */
  private credentialsFrom(client: HotspotClient, username: string, password: string): Credentials {
    const chap = client.chap;
    client.chap = undefined;
    if (chap && CHAP_RESPONSE.test(password)) {
      return { kind: 'chap', username, chapId: chap.id, response: Buffer.from(password, 'hex'), challenge: chap.challenge };
    }
    return { kind: 'pap', username, password };
  }

  private redirectToLogin(res: ServerResponse, original: string): void {
    sendRedirect(res, `${this.router.origin}/login?dst=${encodeURIComponent(original)}`, 'Hotspot login required');
  }

  private async serveLogout(res: ServerResponse, client: HotspotClient): Promise<void> {
    if (!client.session) return this.redirectToLogin(res, `${this.router.origin}/`);
    const session = client.session;
    const html = this.renderFor(client, 'logout', {});
    await this.logout(client.mac, 'User-Request');
    sendHtml(res, 200, html ?? simplePage('Logged out', [`${session.username} is logged out.`]));
  }

  private serveStatus(res: ServerResponse, url: URL, client: HotspotClient): void {
    if (!client.session) return this.redirectToLogin(res, url.toString());
    const html = this.renderFor(client, 'status', {});
    const vars = pageVariables(this.router, client, {}, this.behaviour.clock());
    sendHtml(res, 200, html ?? simplePage('Status', [`${vars.username} (${vars.ip}, ${vars.mac})`, `uptime ${vars.uptime}`]));
  }

  /** Any other URL is "the internet": reachable once online, the login page before (§A.1). */
  private serveInternet(res: ServerResponse, url: URL, client: HotspotClient): void {
    if (!client.session) return this.redirectToLogin(res, url.toString());
    if (url.pathname === '/generate_204') {
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (url.pathname === '/hotspot-detect.html') {
      sendHtml(res, 200, '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>');
      return;
    }
    sendHtml(res, 200, simplePage('Internet', [`You are online through the hotspot ${this.router.identity}.`, `Page: ${url.pathname}`]));
  }
}
