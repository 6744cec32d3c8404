/**
 * Mikrotik-Rate-Limit, as the hotspot reads it (PROTOCOLS.md §A.10):
 * `rx[/tx] [burst-rx[/tx] [threshold-rx[/tx] [burst-time-rx[/tx] [priority] [min-rx[/tx]]]]]`.
 * Rates are bits per second, plain or with k (×1,000), M (×1,000,000) or G (×1,000,000,000);
 * rx is the client's upload, tx its download. Burst time is seconds; priority is 1 (highest) to 8.
 */

const RATE = /^(\d+)([kMG]?)$/;
const TIME = /^\d+s?$/;
const PRIORITY = /^[1-8]$/;
const MULTIPLIER: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9 };

// A RADIUS attribute carries at most 253 octets.
const MAX_LENGTH = 253;

const FIELDS = ['rate', 'burst rate', 'burst threshold', 'burst time', 'priority', 'minimum rate'] as const;

function parseRate(text: string): number | undefined {
  const match = RATE.exec(text);
  return match ? Number(match[1]) * MULTIPLIER[match[2]] : undefined;
}

/** Splits "rx/tx" (or "rx", where tx equals rx); undefined when it is not one or two parts. */
function splitPair(token: string): [string, string] | undefined {
  const parts = token.split('/');
  if (parts.length === 1) return [parts[0], parts[0]];
  if (parts.length === 2) return [parts[0], parts[1]];
  return undefined;
}

function checkToken(field: (typeof FIELDS)[number], token: string): string | undefined {
  const pair = splitPair(token);
  const pattern = field === 'burst time' ? TIME : field === 'priority' ? PRIORITY : RATE;
  if (!pair || !pair.every((part) => pattern.test(part))) {
    if (field === 'priority') return `the priority "${token}" must be 1 (highest) to 8`;
    if (field === 'burst time') return `the burst time "${token}" must be seconds, e.g. 10 or 10/10`;
    return `the ${field} "${token}" must be bits per second, plain or with k, M or G, e.g. 512k or 512k/2M`;
  }
  return undefined;
}

/** What is wrong with a rate-limit string, in one line; undefined when the router will take it. */
export function findRateLimitProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'the rate limit is empty';
  if (trimmed.length > MAX_LENGTH) return `the rate limit is longer than ${MAX_LENGTH} characters`;
  const tokens = trimmed.split(/\s+/);
  if (tokens.length > FIELDS.length) {
    return `the rate limit has ${tokens.length} parts; at most ${FIELDS.length}: rate, burst rate, burst threshold, burst time, priority, minimum rate`;
  }
  for (const [i, token] of tokens.entries()) {
    const problem = checkToken(FIELDS[i], token);
    if (problem) return problem;
  }
  if (tokens.length === FIELDS.length) {
    const rates = splitPair(tokens[0])!.map(parseRate) as number[];
    const minimums = splitPair(tokens[5])!.map(parseRate) as number[];
    // A rate of 0 means unlimited, so any minimum fits under it.
    if (minimums.some((min, i) => rates[i] !== 0 && min > rates[i])) {
      return `the minimum rate "${tokens[5]}" is above the rate "${tokens[0]}"`;
    }
  }
  return undefined;
}

export function isValidRateLimit(text: string): boolean {
  return findRateLimitProblem(text) === undefined;
}
