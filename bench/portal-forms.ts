// Reading the portal's HTML as a phone's browser would submit it: a form's action and the fields it
// sends (hidden inputs, ticked checkboxes, the named submit button). Enough for the portal's own
// pages; not a general HTML parser.

export interface HtmlForm {
  action: string;
  method: string;
  id: string | undefined;
  fields: Array<[string, string]>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#34': '"', '#x2F': '/', '#47': '/' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (ENTITIES[name] !== undefined) return ENTITIES[name];
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
    found.set(m[1].toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return found;
}

/** Every form in the page, with what submitting it would send (every checkbox ticked). */
export function readForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]);
    const fields: Array<[string, string]> = [];
    for (const input of m[2].matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const a = attributes(input[2]);
      const name = a.get('name');
      if (!name) continue;
      const type = (a.get('type') ?? (input[1].toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'hidden' || type === 'checkbox' || (type === 'radio' && a.has('checked'))) fields.push([name, a.get('value') ?? 'on']);
      else if (type === 'submit' && a.has('value')) fields.push([name, a.get('value')!]);
    }
    forms.push({ action: attrs.get('action') ?? '', method: (attrs.get('method') ?? 'get').toLowerCase(), id: attrs.get('id'), fields });
  }
  return forms;
}

/** The form that posts to `action` (a path, or a whole URL), or undefined. */
export function findForm(html: string, match: (form: HtmlForm) => boolean): HtmlForm | undefined {
  return readForms(html).find(match);
}

export function fieldValue(form: HtmlForm, name: string): string | undefined {
  return form.fields.find(([n]) => n === name)?.[1];
}
