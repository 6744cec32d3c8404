import { fileURLToPath } from 'node:url';
import { loadDictionary as loadDictionaryFrom, loadTranslations as loadTranslationsFrom, type Dictionary, type Lang, type Translations } from '../core/web/i18n.js';

/**
 * The citizen's language (core/web/i18n.ts): Bahasa Indonesia by default, English on request, with the
 * portal's strings from portal/locales/<lang>/<area>.json.
 */
export { DEFAULT_LANG, isLang, LANGUAGES, type Dictionary, type Lang, type Translate, type Translations } from '../core/web/i18n.js';

export const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));

export function loadDictionary(lang: Lang, dir = LOCALES_DIR): Dictionary {
  return loadDictionaryFrom(lang, dir);
}

export function loadTranslations(dir = LOCALES_DIR): Translations {
  return loadTranslationsFrom(dir);
}
