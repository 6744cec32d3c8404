/**
 * Request sentences as the router reads them, and reply sentences as it writes them
 * (PROTOCOLS.md §B.2–B.3): attributes split at the second `=`, `.tag` kept apart, queries in order,
 * and in replies `.tag=` placed after the other words, as RouterOS does.
 */

export interface Request {
  /** The command word, e.g. `/interface/print` (with `getall` read as `print`). */
  command: string;
  /** `=name=value` words, in order (a later word with the same name wins in `attributes`). */
  attributes: Map<string, string>;
  /** `?…` query words, in order, without the `?`. */
  queries: string[];
  /** `.tag=value`, when the command carries one. */
  tag: string | undefined;
}

/** Reads one request sentence (words as text); undefined for a sentence that is not a command. */
export function parseRequest(words: readonly string[]): Request | undefined {
  const [first, ...rest] = words;
  if (first === undefined || !first.startsWith('/')) return undefined;
  const command = first.replace(/\/getall$/, '/print');
  const attributes = new Map<string, string>();
  const queries: string[] = [];
  let tag: string | undefined;
  for (const word of rest) {
    if (word.startsWith('=')) {
      const second = word.indexOf('=', 1);
      if (second === -1) attributes.set(word.slice(1), '');
      else attributes.set(word.slice(1, second), word.slice(second + 1));
    } else if (word.startsWith('.tag=')) {
      tag = word.slice('.tag='.length);
    } else if (word.startsWith('?')) {
      queries.push(word.slice(1));
    }
    // Anything else (a bare word, an unknown API attribute) is ignored, as the router does.
  }
  return { command, attributes, queries, tag };
}

/** The properties of one item, in the order the router prints them. */
export type Item = Array<[string, string]>;

/** One reply sentence: the reply word, its attribute words, then `.tag=` last. */
export type Reply = string[];

function attributeWords(fields: Item): string[] {
  return fields.map(([name, value]) => `=${name}=${value}`);
}

function tagged(words: string[], tag: string | undefined): Reply {
  return tag === undefined ? words : [...words, `.tag=${tag}`];
}

export function re(fields: Item, tag?: string): Reply {
  return tagged(['!re', ...attributeWords(fields)], tag);
}

export function done(tag?: string, ret?: string): Reply {
  return tagged(ret === undefined ? ['!done'] : ['!done', `=ret=${ret}`], tag);
}

export function empty(tag?: string): Reply {
  return tagged(['!empty'], tag);
}

export function trap(message: string, tag?: string, category?: number): Reply {
  const words = ['!trap'];
  if (category !== undefined) words.push(`=category=${category}`);
  words.push(`=message=${message}`);
  return tagged(words, tag);
}

/** `!fatal` carries its reason as a bare word, without `=` (§B.3). */
export function fatal(reason: string): Reply {
  return ['!fatal', reason];
}
