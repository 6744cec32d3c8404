// Turns the real login page into the bare Express page's EJS template: the same bytes, with each long
// hidden value (the signed router context, the CSRF token) made a per-request interpolation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Hidden inputs whose value is per request; shorter values (a language, a flag) stay literal. */
const PER_REQUEST_VALUE = /(<input\b[^>]*\btype="hidden"[^>]*\bvalue=")([^"]{16,})(")|(<input\b[^>]*\bvalue=")([^"]{16,})("[^>]*\btype="hidden")/g;

export interface BareTemplate {
  template: string;
  /** Lengths of the per-request values, in the order the template uses them. */
  tokenLengths: number[];
}

export function makeBareTemplate(html: string): BareTemplate {
  const tokenLengths: number[] = [];
  // <% in the page itself must come out literally: EJS writes <%% as <%.
  const escaped = html.replace(/<%/g, '<%%');
  const template = escaped.replace(PER_REQUEST_VALUE, (...m: string[]) => {
    const [before, value, after] = m[1] !== undefined ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
    tokenLengths.push(value.length);
    return `${before}<%= tokens[${tokenLengths.length - 1}] %>${after}`;
  });
  return { template, tokenLengths };
}

/** Writes views/login.ejs under dir and returns the views directory. */
export function writeBareViews(dir: string, bare: BareTemplate): string {
  const views = join(dir, 'views');
  mkdirSync(views, { recursive: true });
  writeFileSync(join(views, 'login.ejs'), bare.template);
  return views;
}
