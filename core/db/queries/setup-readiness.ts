import type { Db } from '../index.js';

/** What an operator must have set up before citizens can go online and the dashboard can be used. */
export interface SetupCounts {
  nas: number;
  plans: number;
  /** sites the controller watches: commissioned and not decommissioned */
  commissionedSites: number;
  admins: number;
}

/** One query: the counts `citywifi start` checks before it starts. */
export async function countSetup(db: Db): Promise<SetupCounts> {
  const result = await db.raw(
    `select (select count(*) from nas) as nas,
            (select count(*) from plans) as plans,
            (select count(*) from sites where commissioned_on is not null and decommissioned_on is null) as commissioned_sites,
            (select count(*) from admin_users where not disabled) as admins`,
  );
  const r = result.rows[0] as Record<string, string | number>;
  return { nas: Number(r.nas), plans: Number(r.plans), commissionedSites: Number(r.commissioned_sites), admins: Number(r.admins) };
}
