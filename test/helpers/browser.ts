// A real browser for the end-to-end tests: Debian's chromium driven by playwright-core (never a
// downloaded browser), as a cheap Android phone. Each phone keeps a log of every request it makes
// (to prove nothing left 127.0.0.1) and saves screenshots under test-artifacts/ for people to look at.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Request, type Response } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CITYWIFI_CHROMIUM ?? '/usr/bin/chromium';

/** A cheap Android phone as sold in Indonesia: small screen, Chrome's mobile user agent. */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 11; SM-A032F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  locale: 'id-ID',
  timezoneId: 'Asia/Jakarta',
} as const;

/** Generous: the machine may be busy with other tests; no test asserts how long anything takes. */
export const NAVIGATION_TIMEOUT_MS = 30_000;

/** test-artifacts/ at the repository root, whether this runs from dist/ or not. */
export const ARTIFACTS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../test-artifacts/' : '../../test-artifacts/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no browser at ${CHROMIUM_PATH}: the end-to-end tests use Debian's chromium (apt-get install chromium), or set CITYWIFI_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // --no-sandbox: CI runs as root in a container. The rest keeps Chromium from calling home, so the
    // network log shows only what the pages asked for.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    timeout: NAVIGATION_TIMEOUT_MS,
  });
}

export interface LoggedRequest {
  url: string;
  method: string;
  resourceType: string;
  /** The URL of the page that made it (the frame's), when known. */
  from: string;
}

/**
 * Every request a phone's pages made, in order. Chromium's own favicon fetches are not reported by
 * playwright (they still reach the server; only the pages' hosts are ever asked).
 */
export class NetworkLog {
  readonly requests: LoggedRequest[] = [];

  record(request: Request): void {
    let from = '';
    try {
      from = request.frame().url();
    } catch {
      // a service worker's request has no frame
    }
    this.requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType(), from });
  }

  /** Requests to any host but the allowed ones (data: and about: URLs never leave the phone). */
  outside(allowedHosts: readonly string[] = ['127.0.0.1']): LoggedRequest[] {
    return this.requests.filter((r) => {
      const url = new URL(r.url);
      if (url.protocol === 'data:' || url.protocol === 'about:' || url.protocol === 'blob:') return false;
      return !allowedHosts.includes(url.hostname);
    });
  }
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  network: NetworkLog;
  /** Saves a full-page screenshot as test-artifacts/<folder>/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A new phone (its own cookies, so the hotspot sees a new MAC), with JavaScript on or off. */
export async function openPhone(browser: Browser, options: { javaScript?: boolean; artifacts?: string; locale?: string } = {}): Promise<Phone> {
  const context = await browser.newContext({ ...PHONE, locale: options.locale ?? PHONE.locale, javaScriptEnabled: options.javaScript ?? true });
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  context.setDefaultTimeout(NAVIGATION_TIMEOUT_MS);
  const network = new NetworkLog();
  context.on('request', (request) => network.record(request));
  const page = await context.newPage();
  const folder = join(ARTIFACTS_DIR, options.artifacts ?? 'portal');
  return {
    context,
    page,
    network,
    async screenshot(name) {
      mkdirSync(folder, { recursive: true });
      const path = join(folder, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

export interface PageWeight {
  /** Bytes of every response body the page loaded (decoded), the document included. */
  totalBytes: number;
  resources: Array<{ url: string; bytes: number; status: number }>;
}

/**
 * Opens url in the phone and adds up the bytes of everything the page loads (the document, its
 * styles, scripts, images, fonts), waiting until the network is quiet.
 */
export async function measurePageWeight(phone: Phone, url: string): Promise<PageWeight> {
  const responses: Response[] = [];
  const onResponse = (response: Response) => responses.push(response);
  phone.page.on('response', onResponse);
  try {
    await phone.page.goto(url, { waitUntil: 'networkidle' });
  } finally {
    phone.page.off('response', onResponse);
  }
  const resources = [];
  for (const response of responses) {
    // A redirect has no body of its own; count what it led to.
    const bytes = response.status() >= 300 && response.status() < 400 ? 0 : (await response.body().catch(() => Buffer.alloc(0))).length;
    resources.push({ url: response.url(), bytes, status: response.status() });
  }
  return { totalBytes: resources.reduce((sum, r) => sum + r.bytes, 0), resources };
}

/** Waits until the page is at a URL that starts with prefix (after redirects and meta refreshes). */
export async function waitForUrlPrefix(page: Page, prefix: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(prefix), { timeout: NAVIGATION_TIMEOUT_MS, waitUntil: 'load' });
}
