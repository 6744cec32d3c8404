// The dashboard benchmark's client: signing in through the form as a person does, and a
// fixed-concurrency request loop over keep-alive connections that times every request to its last
// byte (exact percentiles, no histogram buckets).
import http from "node:http";

export interface Timed {
  label: string;
  /** milliseconds per request, in the order they finished */
  latencies: number[];
  errors: number;
  /** what the first failure said */
  firstError?: string;
  seconds: number;
  bytes: number;
}

export interface Summary {
  label: string;
  requests: number;
  errors: number;
  firstError?: string;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  meanKiB: number;
}

/** Nearest-rank percentile of unsorted values (NaN when there are none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
}

export function summarize(t: Timed): Summary {
  const n = t.latencies.length;
  return {
    label: t.label,
    requests: n,
    errors: t.errors,
    firstError: t.firstError,
    perSecond: t.seconds > 0 ? n / t.seconds : Number.NaN,
    p50: percentile(t.latencies, 50),
    p95: percentile(t.latencies, 95),
    p99: percentile(t.latencies, 99),
    max: n ? Math.max(...t.latencies) : Number.NaN,
    meanKiB: n ? t.bytes / n / 1024 : Number.NaN,
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class DashboardClient {
  private readonly agent: http.Agent;
  cookie = "";

  constructor(
    readonly base: URL,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(
    path: string,
    options: {
      method?: string;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          path,
          method: options.method ?? "GET",
          agent: this.agent,
          headers: {
            "accept-language": "id",
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on("error", reject);
        },
      );
      req.setTimeout(120_000, () =>
        req.destroy(new Error(`no answer to ${path} in 120 s`)),
      );
      req.on("error", reject);
      req.end(options.body);
    });
  }

  /** GET /sign-in for the CSRF token and its cookie, POST the form, keep the session cookie. */
  async signIn(username: string, password: string): Promise<void> {
    const page = await this.request("/sign-in");
    const token = /name="_csrf" value="([^"]+)"/.exec(
      page.body.toString("utf8"),
    )?.[1];
    if (page.status !== 200 || !token)
      throw new Error(
        `GET /sign-in answered ${page.status} without a CSRF token`,
      );
    this.cookie = cookiesFrom(page.headers, "");
    const form = new URLSearchParams({
      _csrf: token,
      username,
      password,
      next: "/",
    }).toString();
    const reply = await this.request("/sign-in", {
      method: "POST",
      body: form,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (reply.status !== 303)
      throw new Error(
        `signing in answered ${reply.status}: ${reply.body
          .toString("utf8")
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .slice(0, 300)}`,
      );
    this.cookie = cookiesFrom(reply.headers, this.cookie);
  }

  /** One GET, timed to its last byte; a status other than 200 is an error. */
  async timedGet(
    path: string,
  ): Promise<{ ms: number; bytes: number; error?: string }> {
    const started = process.hrtime.bigint();
    try {
      const reply = await this.request(path);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (reply.status !== 200)
        return { ms, bytes: 0, error: `${path} answered ${reply.status}` };
      return { ms, bytes: reply.body.length };
    } catch (error) {
      return {
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        bytes: 0,
        error: `${path}: ${(error as Error).message}`,
      };
    }
  }

  /**
   * `concurrency` loops, each sending its next request when the one before is answered, for
   * `seconds` or until `count` requests have been sent; `pathFor(i)` gives the i-th request's path.
   */
  async load(
    label: string,
    pathFor: (i: number) => string,
    options: { concurrency: number; seconds?: number; count?: number },
  ): Promise<Timed> {
    const result: Timed = {
      label,
      latencies: [],
      errors: 0,
      seconds: 0,
      bytes: 0,
    };
    const started = Date.now();
    const deadline =
      options.seconds === undefined
        ? Infinity
        : started + options.seconds * 1000;
    let next = 0;
    const loop = async () => {
      for (;;) {
        if (Date.now() >= deadline) return;
        if (options.count !== undefined && next >= options.count) return;
        const one = await this.timedGet(pathFor(next++));
        if (one.error) {
          result.errors++;
          result.firstError ??= one.error;
        } else {
          result.latencies.push(one.ms);
          result.bytes += one.bytes;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, loop));
    result.seconds = (Date.now() - started) / 1000;
    return result;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The cookies a reply sets, merged over the ones already held (name=value pairs only). */
function cookiesFrom(headers: http.IncomingHttpHeaders, held: string): string {
  const jar = new Map(
    held
      .split("; ")
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair] as const),
  );
  for (const line of headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0];
    jar.set(pair.slice(0, pair.indexOf("=")), pair);
  }
  return [...jar.values()].join("; ");
}
