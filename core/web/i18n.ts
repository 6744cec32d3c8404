import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A service's languages: Bahasa Indonesia by default, English on request. Strings live in
 * <service>/locales/<lang>/<area>.json; every file of a language is merged into one dictionary, so each
 * area (login, status, otp, …) keeps its own file. Keys are flat and start with the area ("login.title").
 * Each service passes its own locales directory.
 */
export const LANGUAGES = ['id', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'id';

export type Dictionary = Readonly<Record<string, string>>;
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function isLang(value: unknown): value is Lang {
  return value === 'id' || value === 'en';
}

/** Nested objects become dotted keys; a key defined twice (in two files) is a mistake and throws. */
function addEntries(into: Record<string, string>, value: unknown, prefix: string, file: string): void {
  if (typeof value === 'string') {
    if (prefix in into) throw new Error(`locale key "${prefix}" is defined twice (again in ${file})`);
    into[prefix] = value;
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) addEntries(into, v, prefix ? `${prefix}.${k}` : k, file);
    return;
  }
  throw new Error(`locale key "${prefix}" in ${file} is not text`);
}

/** All strings of one language, merged from every JSON file in its directory. */
export function loadDictionary(lang: Lang, dir: string): Dictionary {
  const merged: Record<string, string> = {};
  const langDir = join(dir, lang);
  for (const file of readdirSync(langDir).filter((f) => f.endsWith('.json')).sort()) {
    addEntries(merged, JSON.parse(readFileSync(join(langDir, file), 'utf8')), '', `${lang}/${file}`);
  }
  return Object.freeze(merged);
}

function interpolate(text: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export interface Translations {
  translator(lang: Lang): Translate;
  dictionary(lang: Lang): Dictionary;
}

/** Loads every language once; a key missing in English falls back to Indonesian, then to the key itself. */
export function loadTranslations(dir: string): Translations {
  const dictionaries = { id: loadDictionary('id', dir), en: loadDictionary('en', dir) };
  const translators = {} as Record<Lang, Translate>;
  for (const lang of LANGUAGES) {
    const own = dictionaries[lang];
    const fallback = dictionaries[DEFAULT_LANG];
    translators[lang] = (key, vars) => interpolate(own[key] ?? fallback[key] ?? key, vars);
  }
  return {
    translator: (lang) => translators[lang],
    dictionary: (lang) => dictionaries[lang],
  };
}
