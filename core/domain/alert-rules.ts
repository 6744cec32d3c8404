/**
 * Which alerts the state changes of the fleet call for: pure rules, no I/O. The dispatcher
 * (controller/alerts.ts) hands in the changes not yet looked at, the recent outages of their sites,
 * what the rules remembered last time and the clock; it gets back the alerts to record, what became
 * of each change, and what to remember.
 *
 *   outage         a change into `down` (a confirmed outage)
 *   recovery       a change out of `down` into `up` or `degraded` (into maintenance or unknown is not one)
 *   flapping       a site that went down `flapCount` times within `flapWindowMinutes`: reported once,
 *                  then quiet until it has been stable that long; then its state is reported once
 *   area-outage    `areaMinSites` or more sites of one kelurahan down together (a power cut): one
 *                  alert with the count and the codes; across several kelurahan of one kecamatan, one
 *                  kecamatan alert. Later outages of that area within the window join it silently.
 *   area-recovery  the members of an area outage coming back, gathered the same way
 *
 * Gathering: a new outage waits `gatherSeconds` for others in its kecamatan. While more follow, the
 * wait goes on until none came for `gatherSeconds`, but never past `areaWindowMinutes` after the
 * first; then the outages are one area alert (enough of them) or one alert each. A lone outage is
 * reported `gatherSeconds` after the change.
 *
 * Every change is accounted for once: handled (with the alert that covers it, if any) or deferred to
 * the next run. A change waits while an earlier change of its site is still undecided.
 */
import { toLocalTime } from './local-time.js';
import type { SiteState } from './site-state.js';

export const ALERT_KINDS = ['outage', 'recovery', 'flapping', 'area-outage', 'area-recovery'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRules {
  /** K: downs within the flap window that make a site flapping */
  flapCount: number;
  /** W: the flap window, and how long a flapping site must be stable before it is reported again */
  flapWindowMinutes: number;
  /** M: outages in one area that make an area alert */
  areaMinSites: number;
  /** G: how close together outages must be to count as one area's, and the longest a gather lasts */
  areaWindowMinutes: number;
  /** D: how long a new outage (or an area's recovery) waits for others */
  gatherSeconds: number;
  /** for the local times in the messages */
  timezone: string;
}

export const DEFAULT_ALERT_RULES: AlertRules = {
  flapCount: 3,
  flapWindowMinutes: 30,
  areaMinSites: 5,
  areaWindowMinutes: 3,
  gatherSeconds: 60,
  timezone: 'Asia/Jakarta',
};

/** A change older than this when first seen is recorded as looked at, never alerted. */
export const STALE_CHANGE_MS = 60 * 60 * 1000;

export interface AreaRef {
  code: string;
  name: string;
}

export interface SiteFacts {
  siteId: number;
  code: string;
  name: string;
  kelurahan: AreaRef | null;
  kecamatan: AreaRef | null;
}

/** A site state change as stored in site_state_changes, with its site. */
export interface ChangeFact {
  id: number;
  at: Date;
  from: SiteState;
  to: SiteState;
  reason: string;
  site: SiteFacts;
  /** when the state this change leaves began (the site's previous change), when known */
  fromSince: Date | null;
}

/** A change into `down`, for counting a site's recent outages. */
export interface DownFact {
  id: number;
  siteId: number;
  at: Date;
}

/** The JSON body of an alert, without its id (the outbox gives that). */
export interface AlertBody {
  kind: AlertKind;
  /** when the alert was made */
  at: string;
  site?: { code: string; name: string; kelurahan: AreaRef | null; kecamatan: AreaRef | null };
  area?: { code: string; name: string; level: 'kelurahan' | 'kecamatan' };
  count?: number;
  sites?: string[];
  /** sites of the area still down after this recovery (area-recovery) */
  still_down?: number;
  /** the state the site (or the area's sites) are in now */
  state: SiteState;
  /** when that state began */
  since: string;
  /** when the outage began (recovery, when known) */
  down_since?: string;
  reason: string;
  message_id: string;
  message_en: string;
}

export type AlertPayload = { id: number } & AlertBody;

/** The alert an area outage or a change belongs to: one made in this run (ref) or an earlier one (id). */
export type AlertTarget = { ref: number } | { id: number };

export interface AlertDraft {
  /** its index in the decision's alerts */
  ref: number;
  kind: AlertKind;
  siteId: number | null;
  areaCode: string | null;
  changeIds: number[];
  body: AlertBody;
}

export type ChangeOutcome = 'alerted' | 'joined' | 'suppressed' | 'ignored' | 'stale';

export interface HandledChange {
  changeId: number;
  outcome: ChangeOutcome;
  alert: AlertTarget | null;
}

export interface FlapEntry {
  site: SiteFacts;
  since: string;
  lastChangeAt: string;
  lastChangeId: number;
  state: SiteState;
  /** the last change is already covered by an alert (the one that found the site flapping) */
  lastChangeCovered: boolean;
}

export interface GroupMember {
  code: string;
  state: 'down' | 'up' | 'gone';
}

export interface AreaGroup {
  alert: AlertTarget;
  area: { code: string; name: string; level: 'kelurahan' | 'kecamatan' };
  /** the kecamatan of a kelurahan group, for messages */
  parent: AreaRef | null;
  startedAt: string;
  lastDownAt: string;
  /** by site id */
  members: Record<string, GroupMember>;
}

export interface RecentOutage {
  site: SiteFacts;
  at: string;
  changeId: number;
}

/** What the rules remember between runs (stored as JSON). */
export interface AlertState {
  /** by site id */
  flapping: Record<string, FlapEntry>;
  groups: AreaGroup[];
  /** sites alerted on alone recently and still down, by site id: an area outage that follows takes them in */
  recentOutages: Record<string, RecentOutage>;
}

export function emptyAlertState(): AlertState {
  return { flapping: {}, groups: [], recentOutages: {} };
}

export interface AlertDecision {
  alerts: AlertDraft[];
  handled: HandledChange[];
  /** ids of changes left for a later run */
  deferred: number[];
  state: AlertState;
}

export interface DecideInput {
  now: Date;
  /** the changes not yet handled, any order */
  changes: ChangeFact[];
  /** changes into down of the same sites over the flap window before them (may include the new ones) */
  recentDowns: DownFact[];
  state: AlertState;
  rules: AlertRules;
}

const MINUTE = 60_000;

function isRecovery(c: { from: SiteState; to: SiteState }): boolean {
  return c.from === 'down' && (c.to === 'up' || c.to === 'degraded');
}

/** Outages group within a kecamatan (or a kelurahan with no kecamatan known); a site with no area stands alone. */
function scopeOf(site: SiteFacts): string | null {
  return site.kecamatan?.code ?? site.kelurahan?.code ?? null;
}

function groupCovers(group: AreaGroup, site: SiteFacts): boolean {
  return group.area.level === 'kelurahan' ? site.kelurahan?.code === group.area.code : site.kecamatan?.code === group.area.code;
}

function byTime(a: { at: Date; id: number }, b: { at: Date; id: number }): number {
  return a.at.getTime() - b.at.getTime() || a.id - b.id;
}

function cloneState(state: AlertState): AlertState {
  return JSON.parse(JSON.stringify(state)) as AlertState;
}

type Emit = (kind: AlertKind, target: { siteId: number | null; areaCode: string | null }, changeIds: number[], body: Omit<AlertBody, 'kind' | 'at'>) => AlertTarget;

/** An outage waiting to be reported; `flaps` when it makes its site flapping (the count of downs). */
interface Candidate {
  change: ChangeFact;
  flaps: number | null;
}

/** Decides the alerts for one run. The input state is not changed; the decision carries the new one. */
export function decideAlerts(input: DecideInput): AlertDecision {
  const { now, rules } = input;
  const state = cloneState(input.state);
  const gatherMs = rules.gatherSeconds * 1000;
  const windowMs = rules.areaWindowMinutes * MINUTE;
  const flapMs = rules.flapWindowMinutes * MINUTE;
  const alerts: AlertDraft[] = [];
  const handled: HandledChange[] = [];
  const deferred: number[] = [];
  const blocked = new Set<number>();
  const candidates: Candidate[] = [];
  const groupRecoveries = new Map<AreaGroup, ChangeFact[]>();

  const emit: Emit = (kind, target, changeIds, body) => {
    const ref = alerts.length;
    alerts.push({ ref, kind, ...target, changeIds, body: { kind, at: now.toISOString(), ...body } });
    return { ref };
  };
  /** marks a change handled; a later word on the same change (a stable report) replaces an earlier one */
  const handle = (changeId: number, outcome: ChangeOutcome, alert: AlertTarget | null) => {
    const earlier = handled.findIndex((h) => h.changeId === changeId);
    if (earlier >= 0) handled.splice(earlier, 1);
    handled.push({ changeId, outcome, alert });
  };
  const defer = (c: ChangeFact) => {
    deferred.push(c.id);
    blocked.add(c.site.siteId);
  };
  const memberGroup = (siteId: number, memberState: GroupMember['state']) =>
    state.groups.find((g) => g.members[siteId]?.state === memberState);
  const leaveGroups = (siteId: number, to: SiteState) => {
    const group = memberGroup(siteId, 'down');
    if (group) group.members[siteId].state = to === 'up' || to === 'degraded' ? 'up' : 'gone';
  };
  const startFlapping = (site: SiteFacts, at: Date, changeId: number) => {
    state.flapping[site.siteId] = {
      site, since: at.toISOString(), lastChangeAt: at.toISOString(), lastChangeId: changeId, state: 'down', lastChangeCovered: true,
    };
    delete state.recentOutages[site.siteId];
    leaveGroups(site.siteId, 'unknown');
  };

  // 1. Each change in order: settle what needs no gathering; collect outages and area recoveries.
  const downs = new Map<number, DownFact[]>();
  for (const d of input.recentDowns) {
    const list = downs.get(d.siteId) ?? [];
    list.push(d);
    downs.set(d.siteId, list);
  }
  for (const c of [...input.changes].sort(byTime)) {
    const siteId = c.site.siteId;
    if (blocked.has(siteId)) {
      defer(c);
      continue;
    }
    const flap = state.flapping[siteId];
    if (now.getTime() - c.at.getTime() > STALE_CHANGE_MS) {
      // Too old to be news; remember its effect so later changes are judged right.
      if (flap) Object.assign(flap, { lastChangeAt: c.at.toISOString(), lastChangeId: c.id, state: c.to, lastChangeCovered: false });
      if (c.from === 'down') leaveGroups(siteId, c.to);
      delete state.recentOutages[siteId];
      handle(c.id, 'stale', null);
      continue;
    }
    if (flap) {
      Object.assign(flap, { lastChangeAt: c.at.toISOString(), lastChangeId: c.id, state: c.to, lastChangeCovered: false });
      handle(c.id, 'suppressed', null);
      continue;
    }
    if (c.to === 'down') {
      const seen = new Map<number, Date>((downs.get(siteId) ?? []).map((d) => [d.id, d.at]));
      seen.set(c.id, c.at);
      const count = [...seen.values()].filter((at) => at.getTime() > c.at.getTime() - flapMs && at.getTime() <= c.at.getTime()).length;
      candidates.push({ change: c, flaps: count >= rules.flapCount ? count : null });
      blocked.add(siteId);
      continue;
    }
    if (isRecovery(c)) {
      const group = memberGroup(siteId, 'down');
      if (group) {
        const list = groupRecoveries.get(group) ?? [];
        list.push(c);
        groupRecoveries.set(group, list);
        blocked.add(siteId);
        continue;
      }
      handle(c.id, 'alerted', emit('recovery', { siteId, areaCode: null }, [c.id], recoveryBody(c, rules)));
      delete state.recentOutages[siteId];
      continue;
    }
    if (c.from === 'down') {
      // into maintenance or unknown: no longer down, but not a recovery either
      leaveGroups(siteId, c.to);
      delete state.recentOutages[siteId];
    }
    handle(c.id, 'ignored', null);
  }

  // 2. Outages, per kecamatan: join an open area outage, or gather, then one area alert or one each.
  const scopes = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = scopeOf(c.change.site) ?? `site:${c.change.site.siteId}`;
    const list = scopes.get(key) ?? [];
    list.push(c);
    scopes.set(key, list);
  }
  for (const [key, list] of scopes) {
    let rest = list.sort((a, b) => byTime(a.change, b.change));
    while (rest.length > 0) {
      rest = rest.filter(({ change: c }) => {
        const group = state.groups.find(
          (g) => groupCovers(g, c.site) && g.members[c.site.siteId]?.state !== 'down' && c.at.getTime() <= Date.parse(g.lastDownAt) + windowMs,
        );
        if (!group) return true;
        group.members[c.site.siteId] = { code: c.site.code, state: 'down' };
        if (c.at.toISOString() > group.lastDownAt) group.lastDownAt = c.at.toISOString();
        handle(c.id, 'joined', group.alert);
        return false;
      });
      if (rest.length === 0) break;
      const first = rest[0].change;
      const batch = rest.filter((c) => c.change.at.getTime() <= first.at.getTime() + windowMs);
      const last = batch[batch.length - 1].change;
      const due = now.getTime() >= last.at.getTime() + gatherMs || now.getTime() >= first.at.getTime() + windowMs;
      if (!due) {
        rest.forEach((c) => defer(c.change));
        break;
      }
      const inBatch = new Set(batch.map((c) => c.change.site.siteId));
      const pulled = key.startsWith('site:')
        ? []
        : Object.values(state.recentOutages).filter(
            (o) => scopeOf(o.site) === key && !inBatch.has(o.site.siteId) && Date.parse(o.at) >= first.at.getTime() - windowMs,
          );
      const members = [...pulled.map((o) => ({ site: o.site, at: new Date(o.at) })), ...batch.map((c) => ({ site: c.change.site, at: c.change.at }))];
      const changeIds = batch.map((c) => c.change.id);
      if (!key.startsWith('site:') && members.length >= rules.areaMinSites) {
        const flapping = batch.filter((c) => c.flaps !== null);
        if (flapping.length > 0) {
          // an area going down and up again and again (unstable power): one alert, then quiet like a flapping site
          const body = areaFlappingBody(members, Math.max(...flapping.map((c) => c.flaps!)), rules);
          const target = emit('flapping', { siteId: null, areaCode: body.area!.code }, changeIds, body);
          for (const c of batch) {
            handle(c.change.id, 'alerted', target);
            startFlapping(c.change.site, c.change.at, c.change.id);
          }
          for (const o of pulled) startFlapping(o.site, new Date(o.at), o.changeId);
        } else {
          const group = openAreaOutage(members, changeIds, emit, rules);
          state.groups.push(group);
          for (const id of changeIds) handle(id, 'alerted', group.alert);
          for (const o of pulled) delete state.recentOutages[o.site.siteId];
        }
      } else {
        for (const { change: c, flaps } of batch) {
          if (flaps !== null) {
            handle(c.id, 'alerted', emit('flapping', { siteId: c.site.siteId, areaCode: null }, [c.id], flappingBody(c, flaps, rules)));
            startFlapping(c.site, c.at, c.id);
          } else {
            handle(c.id, 'alerted', emit('outage', { siteId: c.site.siteId, areaCode: null }, [c.id], outageBody(c, rules)));
            state.recentOutages[c.site.siteId] = { site: c.site, at: c.at.toISOString(), changeId: c.id };
          }
        }
      }
      const done = new Set(batch);
      rest = rest.filter((c) => !done.has(c));
    }
  }

  // 3. Recoveries of area outages, gathered like outages.
  for (const [group, list] of groupRecoveries) {
    list.sort(byTime);
    const first = list[0];
    const last = list[list.length - 1];
    if (now.getTime() < last.at.getTime() + gatherMs && now.getTime() < first.at.getTime() + windowMs) {
      list.forEach(defer);
      continue;
    }
    for (const c of list) group.members[c.site.siteId].state = 'up';
    const stillDown = Object.values(group.members).filter((m) => m.state === 'down').length;
    const target = emit('area-recovery', { siteId: null, areaCode: group.area.code }, list.map((c) => c.id), areaRecoveryBody(group, list, stillDown, rules));
    for (const c of list) handle(c.id, 'alerted', target);
  }

  // 4. Flapping sites that have been stable for the flap window: report where they are now, gathered
  //    per kecamatan like outages (a whole area that stopped flapping is one alert).
  const stableScopes = new Map<string, FlapEntry[]>();
  for (const flap of Object.values(state.flapping)) {
    if (blocked.has(flap.site.siteId)) continue;
    const key = scopeOf(flap.site) ?? `site:${flap.site.siteId}`;
    const list = stableScopes.get(key) ?? [];
    list.push(flap);
    stableScopes.set(key, list);
  }
  const dueAt = (f: FlapEntry) => Date.parse(f.lastChangeAt) + flapMs;
  for (const [key, list] of stableScopes) {
    list.sort((a, b) => dueAt(a) - dueAt(b));
    const firstDue = dueAt(list[0]);
    if (now.getTime() < firstDue) continue;
    const batch = list.filter((f) => dueAt(f) <= firstDue + windowMs);
    if (now.getTime() < dueAt(batch[batch.length - 1]) && now.getTime() < firstDue + windowMs) continue;
    const ready = batch.filter((f) => dueAt(f) <= now.getTime());
    for (const f of ready) delete state.flapping[f.site.siteId];
    const down = ready.filter((f) => f.state === 'down');
    const back = ready.filter((f) => f.state === 'up' || f.state === 'degraded');
    const changeIdsOf = (fs: FlapEntry[]) => fs.filter((f) => !f.lastChangeCovered).map((f) => f.lastChangeId);
    if (!key.startsWith('site:') && down.length >= rules.areaMinSites) {
      const group = openAreaOutage(down.map((f) => ({ site: f.site, at: new Date(f.lastChangeAt) })), changeIdsOf(down), emit, rules);
      state.groups.push(group);
      for (const id of changeIdsOf(down)) handle(id, 'alerted', group.alert);
    } else {
      for (const f of down) {
        const target = emit('outage', { siteId: f.site.siteId, areaCode: null }, changeIdsOf([f]), stableBody(f, rules));
        for (const id of changeIdsOf([f])) handle(id, 'alerted', target);
      }
    }
    if (!key.startsWith('site:') && back.length >= rules.areaMinSites) {
      const body = areaStableBody(back, rules);
      const target = emit('area-recovery', { siteId: null, areaCode: body.area!.code }, changeIdsOf(back), body);
      for (const id of changeIdsOf(back)) handle(id, 'alerted', target);
    } else {
      for (const f of back) {
        const target = emit('recovery', { siteId: f.site.siteId, areaCode: null }, changeIdsOf([f]), stableBody(f, rules));
        for (const id of changeIdsOf([f])) handle(id, 'alerted', target);
      }
    }
  }

  // 5. Forget what can no longer matter.
  state.groups = state.groups.filter((g) => Object.values(g.members).some((m) => m.state === 'down'));
  const forgetBefore = now.getTime() - 2 * windowMs - gatherMs;
  for (const [siteId, o] of Object.entries(state.recentOutages)) if (Date.parse(o.at) < forgetBefore) delete state.recentOutages[siteId];

  return { alerts, handled, deferred, state };
}

interface AreaOf {
  area: { code: string; name: string; level: 'kelurahan' | 'kecamatan' };
  /** the kecamatan of a kelurahan area */
  parent: AreaRef | null;
  /** how many kelurahan the sites are in */
  kelurahan: number;
}

/** The one kelurahan of all the sites, or else their kecamatan (the sites share a scope). */
function areaOf(sites: SiteFacts[]): AreaOf {
  const kelurahan = new Set(sites.map((s) => s.kelurahan?.code ?? `kec:${s.kecamatan?.code}`));
  const one = sites[0];
  if (kelurahan.size === 1 && one.kelurahan) {
    return { area: { ...one.kelurahan, level: 'kelurahan' }, parent: one.kecamatan, kelurahan: 1 };
  }
  return { area: { ...one.kecamatan!, level: 'kecamatan' }, parent: null, kelurahan: kelurahan.size };
}

function sortMembers(members: Array<{ site: SiteFacts; at: Date }>): Array<{ site: SiteFacts; at: Date }> {
  return [...members].sort((a, b) => a.at.getTime() - b.at.getTime() || a.site.code.localeCompare(b.site.code));
}

/** One alert for many sites of one area down together, and the open area outage it starts. */
function openAreaOutage(members: Array<{ site: SiteFacts; at: Date }>, changeIds: number[], emit: Emit, rules: AlertRules): AreaGroup {
  const sites = sortMembers(members);
  const { area, parent, kelurahan } = areaOf(sites.map((s) => s.site));
  const startedAt = sites[0].at;
  const lastDownAt = sites[sites.length - 1].at;
  const codes = sites.map((s) => s.site.code);
  const spanMinutes = Math.max(1, Math.ceil((lastDownAt.getTime() - startedAt.getTime()) / MINUTE));
  const where = areaName(area, parent);
  const several = kelurahan > 1 ? ` (${kelurahan} kelurahan)` : '';
  const time = localClock(startedAt, rules.timezone);
  const alert = emit('area-outage', { siteId: null, areaCode: area.code }, changeIds, {
    area,
    count: codes.length,
    sites: codes,
    state: 'down',
    since: startedAt.toISOString(),
    reason: `${codes.length} sites down within ${spanMinutes} minute${spanMinutes === 1 ? '' : 's'}${kelurahan > 1 ? ` in ${kelurahan} kelurahan` : ''}`,
    message_id:
      `Gangguan wilayah: ${codes.length} titik WiFi di ${where.id}${several} tidak dapat dihubungi ` +
      `sejak pukul ${time}, kemungkinan listrik padam. Titik: ${listCodes(codes, 'id')}.`,
    message_en: `Area outage: ${codes.length} WiFi sites in ${where.en}${several} unreachable since ${time}, likely a power cut. Sites: ${listCodes(codes, 'en')}.`,
  });
  return {
    alert,
    area,
    parent,
    startedAt: startedAt.toISOString(),
    lastDownAt: lastDownAt.toISOString(),
    members: Object.fromEntries(sites.map((s) => [String(s.site.siteId), { code: s.site.code, state: 'down' as const }])),
  };
}

// --- messages -------------------------------------------------------------------------------------

const ZONE_NAMES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** "08.05 WIB": the local time as Indonesians write it. */
export function localClock(at: Date, timezone: string): string {
  const l = toLocalTime(at, timezone);
  return `${String(l.hour).padStart(2, '0')}.${String(l.minute).padStart(2, '0')} ${ZONE_NAMES[timezone] ?? timezone}`;
}

/** "1 jam 5 menit" / "1 h 5 min" */
export function formatDuration(ms: number, lang: 'id' | 'en'): string {
  const minutes = Math.max(1, Math.round(ms / MINUTE));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'id') return [h ? `${h} jam` : '', m ? `${m} menit` : ''].filter(Boolean).join(' ');
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

function listCodes(codes: string[], lang: 'id' | 'en'): string {
  const shown = codes.slice(0, 10).join(', ');
  if (codes.length <= 10) return shown;
  return lang === 'id' ? `${shown} dan ${codes.length - 10} lainnya` : `${shown} and ${codes.length - 10} more`;
}

function siteLabel(site: SiteFacts, lang: 'id' | 'en'): string {
  const where =
    lang === 'id'
      ? [site.kelurahan ? `Kel. ${site.kelurahan.name}` : '', site.kecamatan ? `Kec. ${site.kecamatan.name}` : ''].filter(Boolean).join(', ')
      : [site.kelurahan?.name ?? '', site.kecamatan?.name ?? ''].filter(Boolean).join(', ');
  return `${site.name} (${site.code})${where ? `, ${where}` : ''}`;
}

function areaName(area: { name: string; level: 'kelurahan' | 'kecamatan' }, parent: AreaRef | null): { id: string; en: string } {
  const level = area.level === 'kelurahan' ? 'Kelurahan' : 'Kecamatan';
  return {
    id: `${level} ${area.name}${parent ? `, Kec. ${parent.name}` : ''}`,
    en: `${level} ${area.name}${parent ? `, ${parent.name}` : ''}`,
  };
}

function sitePart(site: SiteFacts): AlertBody['site'] {
  return { code: site.code, name: site.name, kelurahan: site.kelurahan, kecamatan: site.kecamatan };
}

function outageBody(c: ChangeFact, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const time = localClock(c.at, rules.timezone);
  return {
    site: sitePart(c.site),
    state: 'down',
    since: c.at.toISOString(),
    reason: c.reason,
    message_id: `Gangguan: titik WiFi ${siteLabel(c.site, 'id')} tidak dapat dihubungi sejak pukul ${time}. Penyebab: ${c.reason}.`,
    message_en: `Outage: WiFi site ${siteLabel(c.site, 'en')} has been unreachable since ${time}. Cause: ${c.reason}.`,
  };
}

function recoveryBody(c: ChangeFact, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const time = localClock(c.at, rules.timezone);
  const lasted = c.fromSince ? c.at.getTime() - c.fromSince.getTime() : null;
  const afterId = lasted !== null ? ` setelah gangguan ${formatDuration(lasted, 'id')}` : '';
  const afterEn = lasted !== null ? ` after ${formatDuration(lasted, 'en')} down` : '';
  const degraded = c.to === 'degraded';
  return {
    site: sitePart(c.site),
    state: c.to,
    since: c.at.toISOString(),
    ...(c.fromSince ? { down_since: c.fromSince.toISOString() } : {}),
    reason: c.reason,
    message_id: degraded
      ? `Pulih sebagian: titik WiFi ${siteLabel(c.site, 'id')} dapat dihubungi lagi pukul ${time}${afterId}, tetapi kinerjanya menurun (${c.reason}).`
      : `Pulih: titik WiFi ${siteLabel(c.site, 'id')} kembali normal pukul ${time}${afterId}.`,
    message_en: degraded
      ? `Partly recovered: WiFi site ${siteLabel(c.site, 'en')} is reachable again at ${time}${afterEn}, but degraded (${c.reason}).`
      : `Recovered: WiFi site ${siteLabel(c.site, 'en')} is back up at ${time}${afterEn}.`,
  };
}

function flappingBody(c: ChangeFact, count: number, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const w = rules.flapWindowMinutes;
  return {
    site: sitePart(c.site),
    state: 'down',
    since: c.at.toISOString(),
    reason: `down ${count} times within ${w} minutes; last: ${c.reason}`,
    message_id:
      `Putus-sambung: titik WiFi ${siteLabel(c.site, 'id')} sudah ${count} kali terputus dalam ${w} menit. ` +
      `Pemberitahuan untuk titik ini ditahan sampai stabil selama ${w} menit.`,
    message_en:
      `Flapping: WiFi site ${siteLabel(c.site, 'en')} went down ${count} times within ${w} minutes. ` +
      `Alerts for this site are held until it has been stable for ${w} minutes.`,
  };
}

function stableBody(flap: FlapEntry, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const since = new Date(flap.lastChangeAt);
  const time = localClock(since, rules.timezone);
  const w = rules.flapWindowMinutes;
  const down = flap.state === 'down';
  return {
    site: sitePart(flap.site),
    state: flap.state,
    since: flap.lastChangeAt,
    reason: `no change for ${w} minutes after flapping; ${flap.state} since ${flap.lastChangeAt}`,
    message_id: down
      ? `Masih gangguan: titik WiFi ${siteLabel(flap.site, 'id')} berhenti putus-sambung dan tetap tidak dapat dihubungi sejak pukul ${time}.`
      : `Stabil kembali: titik WiFi ${siteLabel(flap.site, 'id')} berhenti putus-sambung dan ${flap.state === 'up' ? 'normal' : 'dapat dihubungi, tetapi kinerjanya menurun,'} sejak pukul ${time}.`,
    message_en: down
      ? `Still down: WiFi site ${siteLabel(flap.site, 'en')} stopped flapping and has been unreachable since ${time}.`
      : `Stable again: WiFi site ${siteLabel(flap.site, 'en')} stopped flapping and has been ${flap.state === 'up' ? 'up' : 'reachable but degraded'} since ${time}.`,
  };
}

function areaRecoveryBody(group: AreaGroup, list: ChangeFact[], stillDown: number, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const codes = list.map((c) => c.site.code);
  const last = list[list.length - 1].at;
  const time = localClock(last, rules.timezone);
  const where = areaName(group.area, group.parent);
  const lasted = formatDuration(last.getTime() - Date.parse(group.startedAt), 'id');
  const lastedEn = formatDuration(last.getTime() - Date.parse(group.startedAt), 'en');
  return {
    area: group.area,
    count: codes.length,
    sites: codes,
    still_down: stillDown,
    state: 'up',
    since: last.toISOString(),
    down_since: group.startedAt,
    reason: `${codes.length} sites back${stillDown ? `, ${stillDown} still down` : ', all back'}`,
    message_id:
      `Pulih: ${codes.length} titik WiFi di ${where.id} kembali normal pukul ${time} setelah gangguan ${lasted}` +
      (stillDown ? `; ${stillDown} titik masih gangguan.` : '; semua titik di wilayah ini sudah pulih.') +
      ` Titik: ${listCodes(codes, 'id')}.`,
    message_en:
      `Recovered: ${codes.length} WiFi sites in ${where.en} back up at ${time} after ${lastedEn}` +
      (stillDown ? `; ${stillDown} still down.` : '; every site of the area is back.') +
      ` Sites: ${listCodes(codes, 'en')}.`,
  };
}

function areaFlappingBody(members: Array<{ site: SiteFacts; at: Date }>, flaps: number, rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const sites = sortMembers(members);
  const { area, parent, kelurahan } = areaOf(sites.map((s) => s.site));
  const where = areaName(area, parent);
  const several = kelurahan > 1 ? ` (${kelurahan} kelurahan)` : '';
  const codes = sites.map((s) => s.site.code);
  const w = rules.flapWindowMinutes;
  return {
    area,
    count: codes.length,
    sites: codes,
    state: 'down',
    since: sites[0].at.toISOString(),
    reason: `${codes.length} sites down ${flaps} times within ${w} minutes`,
    message_id:
      `Putus-sambung wilayah: ${codes.length} titik WiFi di ${where.id}${several} sudah ${flaps} kali terputus dalam ${w} menit, ` +
      `kemungkinan listrik tidak stabil. Pemberitahuan untuk titik-titik ini ditahan sampai stabil selama ${w} menit. Titik: ${listCodes(codes, 'id')}.`,
    message_en:
      `Area flapping: ${codes.length} WiFi sites in ${where.en}${several} went down ${flaps} times within ${w} minutes, likely unstable power. ` +
      `Alerts for these sites are held until they have been stable for ${w} minutes. Sites: ${listCodes(codes, 'en')}.`,
  };
}

function areaStableBody(entries: FlapEntry[], rules: AlertRules): Omit<AlertBody, 'kind' | 'at'> {
  const sites = sortMembers(entries.map((f) => ({ site: f.site, at: new Date(f.lastChangeAt) })));
  const { area, parent, kelurahan } = areaOf(sites.map((s) => s.site));
  const where = areaName(area, parent);
  const several = kelurahan > 1 ? ` (${kelurahan} kelurahan)` : '';
  const codes = sites.map((s) => s.site.code);
  const last = sites[sites.length - 1].at;
  const time = localClock(last, rules.timezone);
  const w = rules.flapWindowMinutes;
  return {
    area,
    count: codes.length,
    sites: codes,
    still_down: 0,
    state: 'up',
    since: last.toISOString(),
    reason: `${codes.length} sites with no change for ${w} minutes after flapping`,
    message_id: `Stabil kembali: ${codes.length} titik WiFi di ${where.id}${several} berhenti putus-sambung dan normal sejak pukul ${time}. Titik: ${listCodes(codes, 'id')}.`,
    message_en: `Stable again: ${codes.length} WiFi sites in ${where.en}${several} stopped flapping and have been up since ${time}. Sites: ${listCodes(codes, 'en')}.`,
  };
}

/** Gives the alerts made in a run their outbox ids, everywhere the decision refers to them. */
export interface BoundDecision extends Omit<AlertDecision, 'alerts'> {
  alerts: Array<AlertDraft & { id: number }>;
}

export function bindAlertIds(decision: AlertDecision, ids: number[]): BoundDecision {
  if (ids.length !== decision.alerts.length) throw new Error(`bindAlertIds: ${ids.length} ids for ${decision.alerts.length} alerts`);
  const bind = (t: AlertTarget | null): AlertTarget | null => (t && 'ref' in t ? { id: ids[t.ref] } : t);
  return {
    alerts: decision.alerts.map((a) => ({ ...a, id: ids[a.ref] })),
    handled: decision.handled.map((h) => ({ ...h, alert: bind(h.alert) })),
    deferred: decision.deferred,
    state: { ...decision.state, groups: decision.state.groups.map((g) => ({ ...g, alert: bind(g.alert)! })) },
  };
}

/** The remembered state as read back from storage; anything unreadable starts afresh. */
export function readAlertState(value: unknown): AlertState {
  const v = (value ?? {}) as Partial<AlertState>;
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  return {
    flapping: isObject(v.flapping) ? (v.flapping as AlertState['flapping']) : {},
    groups: Array.isArray(v.groups) ? v.groups.filter((g) => isObject(g) && isObject(g.members) && isObject(g.alert)) : [],
    recentOutages: isObject(v.recentOutages) ? (v.recentOutages as AlertState['recentOutages']) : {},
  };
}
