import { areaKey } from '../../domain/area-key.js';
import type { Db } from '../index.js';

export interface AreaRecord {
  code: string;
  level: 'kecamatan' | 'kelurahan';
  name: string;
  parentCode: string | null;
}

/** Finds an area by its Kemendagri code, its name or a known alias (see areaKey); undefined when unknown. */
export async function findArea(db: Db, text: string): Promise<AreaRecord | undefined> {
  const trimmed = text.trim();
  const row =
    (await db('areas').where({ code: trimmed }).first()) ??
    (await db('area_aliases as a').join('areas', 'areas.code', 'a.area_code').where('a.alias', areaKey(trimmed)).first('areas.*'));
  if (!row) return undefined;
  return { code: row.code, level: row.level, name: row.name, parentCode: row.parent_code };
}
