import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword, randomToken, type SecretBox } from '../core/crypto.js';
import { withTransaction, type Db } from '../core/db/index.js';
import { addAdmin, findAdminForSignIn } from '../core/db/queries/admins.js';
import { listKelurahan } from '../core/db/queries/admin-sites.js';
import { upsertDemoNas, upsertDemoSites, type DemoNasRow, type DemoSiteRow } from '../core/db/queries/demo-sites.js';
import { addPlan, findPlanByName } from '../core/db/queries/plans.js';
import { createVoucherBatch } from '../core/db/queries/vouchers.js';
import type { RouterManifestEntry } from '../sim/routeros/index.js';
import { placeSites } from '../sim/history/place-sites.js';

/** What the demo's routers and their RADIUS packets share. */
export const DEMO_NAS_SECRET = 'citywifi-demo-radius';
export const DEMO_ADMIN = 'demo';
export const DEMO_PLAN = 'warga-demo';
/** The same city on every run and every machine. */
const PLACEMENT_SEED = 2026;

export interface DemoSite {
  code: string;
  name: string;
  /** the loopback address its router's RADIUS packets come from, registered as its NAS */
  nasAddress: string;
}

/** Router i's RADIUS source: 127.10.1.1, 127.10.1.2, … (all of 127/8 is loopback on Linux). */
export function nasAddressOf(index: number): string {
  return `127.10.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
}

/** A commissioning date between 2023 and 2025, the same for a site on every run. */
function dayOf(index: number, offset: number): string {
  const d = new Date(Date.UTC(2023, 0, 10));
  d.setUTCDate(d.getUTCDate() + ((index * 37) % 1000) + offset);
  return d.toISOString().slice(0, 10);
}

/** The demo plan: generous, with interim accounting every minute so the figures move. */
export async function ensureDemoPlan(db: Db): Promise<number> {
  const found = await findPlanByName(db, DEMO_PLAN);
  if (found) return found.id;
  const plan = await addPlan(db, { name: DEMO_PLAN, rateLimit: '2M/5M', sessionTimeout: 7200, idleTimeout: 900, dailyTime: 4 * 3600, interimInterval: 60 });
  return plan.id;
}

/**
 * The demo's sites placed inside their kelurahan (the offline map's boundaries), each with its
 * emulated router (host, port, credentials) and a NAS for its RADIUS source address. Written again at
 * every start: the emulated routers' ports change.
 */
export async function seedDemoSites(
  db: Db,
  box: SecretBox,
  options: { count: number; planId: number; routers: readonly RouterManifestEntry[]; at: Date },
): Promise<DemoSite[]> {
  const kelurahan = await listKelurahan(db);
  const placed = placeSites(options.count, kelurahan, PLACEMENT_SEED);
  const sites: DemoSiteRow[] = placed.map((p, i) => {
    const router = options.routers[i];
    return {
      code: p.code,
      name: p.name,
      area_code: p.areaCode,
      category: p.category,
      address: p.address,
      lat: p.lat,
      lon: p.lon,
      installed_on: dayOf(i, 0),
      commissioned_on: dayOf(i, 7),
      plan_id: options.planId,
      hotspot_host: '127.0.0.1',
      router_host: router.host,
      router_port: router.port,
      router_user: router.credentials.user,
      router_password_enc: box.encrypt(router.credentials.password),
    };
  });
  const nas: DemoNasRow[] = placed.map((p, i) => ({ name: `demo-${p.code}`, address: nasAddressOf(i), secret_enc: box.encrypt(DEMO_NAS_SECRET), site_code: p.code }));
  // One more for a person's own RADIUS tests from this machine (radclient 127.0.0.1 …).
  nas.push({ name: 'demo-local', address: '127.0.0.1', secret_enc: box.encrypt(DEMO_NAS_SECRET), site_code: null });
  await withTransaction(db, async (tx) => {
    const ids = await upsertDemoSites(tx, sites, options.at);
    await upsertDemoNas(tx, nas, ids, options.at);
  });
  return placed.map((p, i) => ({ code: p.code, name: p.name, nasAddress: nasAddressOf(i) }));
}

/**
 * The demo's admin account: made on the first run with a random password kept in the data directory
 * (demo-admin.txt, readable by its owner only), so every later run prints the same login.
 */
export async function ensureDemoAdmin(db: Db, dataDir: string): Promise<{ username: string; password: string }> {
  const file = join(dataDir, 'demo-admin.txt');
  const existing = await findAdminForSignIn(db, DEMO_ADMIN);
  if (existing && existsSync(file)) return { username: DEMO_ADMIN, password: readFileSync(file, 'utf8').trim() };
  const password = randomToken(14);
  if (existing) throw new Error(`the data directory has an account "${DEMO_ADMIN}" but no ${file}; use a new --data-dir`);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  await addAdmin(db, { username: DEMO_ADMIN, passwordHash: await hashPassword(password), roles: ['admin'] });
  return { username: DEMO_ADMIN, password };
}

/** A fresh batch of vouchers for the simulated citizens who bring one (codes exist in clear only now). */
export async function makeDemoVouchers(db: Db, box: SecretBox, count: number): Promise<string[]> {
  const { codes } = await createVoucherBatch(db, box, { planName: DEMO_PLAN, count, validForSeconds: 24 * 3600, lockToFirstMac: true });
  return codes;
}
