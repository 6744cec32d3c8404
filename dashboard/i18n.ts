import { fileURLToPath } from 'node:url';
import { loadTranslations, type Translations } from '../core/web/i18n.js';

/** The dashboard's strings: dashboard/locales/<lang>/<area>.json, Bahasa Indonesia by default, English on request. */
export const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));

export function loadDashboardTranslations(dir = LOCALES_DIR): Translations {
  return loadTranslations(dir);
}
