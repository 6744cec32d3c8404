/**
 * `print` queries and `=.proplist=` (PROTOCOLS.md §B.2, §B.5). Query words are evaluated in order on
 * a stack of booleans; an item is kept when no `false` is left on the stack at the end.
 */
import type { Item } from './sentence.js';

export class QueryError extends Error {}

function valueOf(item: Item, name: string): string | undefined {
  for (const [key, value] of item) if (key === name) return value;
  return undefined;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Numbers compare as numbers (counters, loads), text as text; a number and a text do not compare (NaN). */
function compare(a: string, b: string): number {
  const numbers = NUMBER.test(a) && NUMBER.test(b);
  if (numbers) return Number(a) - Number(b);
  if (NUMBER.test(a) || NUMBER.test(b)) return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}

function pop(stack: boolean[]): boolean {
  // An operator on an empty stack reads true, as if nothing had been said.
  return stack.length > 0 ? stack.pop()! : true;
}

function applyOperators(ops: string, stack: boolean[]): boolean[] {
  let k = 0;
  while (k < ops.length) {
    const c = ops[k];
    if (/\d/.test(c)) {
      let digits = '';
      while (k < ops.length && /\d/.test(ops[k])) digits += ops[k++];
      const index = Number(digits);
      if (index >= stack.length) throw new QueryError(`query stack has no entry ${index}`);
      const value = stack[index];
      // An index at the end of the word replaces the whole stack with that entry.
      if (k === ops.length) return [value];
      stack.push(value);
      continue;
    }
    if (c === '!') stack.push(!pop(stack));
    else if (c === '&') {
      const b = pop(stack);
      const a = pop(stack);
      stack.push(a && b);
    } else if (c === '|') {
      const b = pop(stack);
      const a = pop(stack);
      stack.push(a || b);
    } else if (c === '.') {
      const top = pop(stack);
      stack.push(top, top);
    } else {
      throw new QueryError(`unknown query operator "${c}"`);
    }
    k++;
  }
  return stack;
}

/** Whether `item` passes the query words (each without its leading `?`). */
export function matchesQuery(item: Item, queries: readonly string[]): boolean {
  let stack: boolean[] = [];
  for (const q of queries) {
    if (q.startsWith('#')) {
      stack = applyOperators(q.slice(1), stack);
      continue;
    }
    let op: '=' | '<' | '>' | 'has' | 'lacks';
    let body = q;
    if (q.startsWith('<') || q.startsWith('>')) {
      op = q[0] as '<' | '>';
      body = q.slice(1);
    } else if (q.startsWith('-')) {
      op = 'lacks';
      body = q.slice(1);
    } else {
      if (q.startsWith('=')) body = q.slice(1);
      op = body.includes('=') ? '=' : 'has';
    }
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const wanted = eq === -1 ? '' : body.slice(eq + 1);
    const value = valueOf(item, name);
    switch (op) {
      case 'has':
        stack.push(value !== undefined);
        break;
      case 'lacks':
        stack.push(value === undefined);
        break;
      case '=':
        stack.push(value === wanted);
        break;
      case '<':
        stack.push(value !== undefined && compare(value, wanted) < 0);
        break;
      case '>':
        stack.push(value !== undefined && compare(value, wanted) > 0);
        break;
    }
  }
  return stack.every(Boolean);
}

/** Keeps only the listed properties (in the item's own order); all of them without a proplist. */
export function applyProplist(item: Item, proplist: string | undefined): Item {
  if (proplist === undefined) return item;
  const wanted = new Set(proplist.split(',').map((p) => p.trim()).filter((p) => p !== ''));
  return item.filter(([name]) => wanted.has(name));
}
