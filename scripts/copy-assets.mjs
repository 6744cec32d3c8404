// Copies non-TypeScript assets (dictionaries, views, locales, public files) next to the compiled code.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const assetDirs = ['core/radius/dictionaries', 'portal/views', 'portal/locales', 'portal/public', 'portal/router-files', 'dashboard/views', 'dashboard/locales', 'dashboard/public', 'dashboard/map-data'];
for (const dir of assetDirs) {
  if (existsSync(dir)) cpSync(dir, join('dist', dir), { recursive: true });
}
