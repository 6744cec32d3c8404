/**
 * What each print command lists, as items of (property, value) in the order RouterOS prints them,
 * for a router's spec and state (field names and value styles from PROTOCOLS.md §B.8).
 */
import type { Item } from './sentence.js';
import { boardOf, majorVersion, releaseOf, versionNumber, type RouterSpec, type RouterState } from './router.js';
import { formatClock, formatDuration, formatIsoDateTime, formatOldDateTime } from './formats.js';
import { between, hexOf, unit } from './random.js';

function macOf(spec: RouterSpec, what: string | number): string {
  const hex = `4c5e0c${hexOf(3, spec.index, spec.identity, 'mac', what)}`.toUpperCase();
  return hex.match(/../g)!.join(':');
}

function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

/** last-link-up-time: `jan/02/1970 00:00:00` on v6, `2026-02-25 04:29:31` on v7. */
function linkUpTime(spec: RouterSpec, at: Date): string {
  return spec.formats.dates === 'iso' ? formatIsoDateTime(at) : formatOldDateTime(at, { lowercase: true });
}

export function resourceItems(spec: RouterSpec, state: RouterState): Item[] {
  const board = boardOf(spec);
  const v7 = majorVersion(spec) >= 7;
  const release = releaseOf(spec);
  const writesBase = between(2_000, 90_000, spec.index, spec.identity, 'write-sect');
  const sinceBoot = Math.floor(state.uptimeSeconds / 40);
  const freeHdd = Math.floor((board.totalHdd * (0.3 + 0.4 * unit(spec.index, spec.identity, 'hdd'))) / 4096) * 4096;
  const item: Item = [
    ['uptime', formatDuration(state.uptimeSeconds)],
    ['version', spec.version],
    ['build-time', spec.formats.buildTime === 'iso' ? formatIsoDateTime(new Date(release.builtAt)) : formatOldDateTime(new Date(release.builtAt))],
  ];
  if (v7) item.push(['factory-software', board.factorySoftware]);
  item.push(
    ['free-memory', String(state.freeMemory)],
    ['total-memory', String(state.totalMemory)],
    ['cpu', board.cpu],
    ['cpu-count', String(board.cpuCount)],
  );
  const frequency = board.cpuFrequency ?? (v7 ? undefined : 1700);
  if (frequency !== undefined) item.push(['cpu-frequency', String(frequency)]);
  item.push(
    ['cpu-load', String(state.cpuLoad)],
    ['free-hdd-space', String(freeHdd)],
    ['total-hdd-space', String(board.totalHdd)],
    ['write-sect-since-reboot', String(sinceBoot)],
    ['write-sect-total', String(writesBase + state.bootCount * 500 + sinceBoot)],
    ['bad-blocks', '0'],
    ['architecture-name', board.architecture],
    ['board-name', board.boardName],
    ['platform', 'MikroTik'],
  );
  return [item];
}

export function identityItems(spec: RouterSpec): Item[] {
  return [[['name', spec.identity]]];
}

export function routerboardItems(spec: RouterSpec): Item[] {
  const board = boardOf(spec);
  const v7 = majorVersion(spec) >= 7;
  const item: Item = [['routerboard', 'true']];
  if (v7) item.push(['board-name', board.boardName]);
  item.push(
    ['model', v7 ? board.model : board.model.replace(/^RB(?=\d)/, '')],
    ['serial-number', hexOf(6, spec.index, spec.identity, 'serial').toUpperCase()],
    ['firmware-type', board.firmwareType],
    ['factory-firmware', board.factorySoftware],
    ['current-firmware', versionNumber(spec)],
    ['upgrade-firmware', versionNumber(spec)],
  );
  return [item];
}

export function clockItems(spec: RouterSpec, state: RouterState): Item[] {
  const { date, time } = formatClock(state.at, spec.formats.dates === 'iso');
  return [
    [
      ['time', time],
      ['date', date],
      ['time-zone-autodetect', 'true'],
      ['time-zone-name', 'Asia/Jakarta'],
      ['gmt-offset', '+07:00'],
      ['dst-active', 'false'],
    ],
  ];
}

/** Temperatures and fan speeds wander a little from minute to minute. */
function sensorValue(spec: RouterSpec, state: RouterState, name: string, base: number): string {
  const minute = Math.floor(state.at.getTime() / 60_000);
  const u = unit(spec.index, spec.identity, name, minute);
  if (name === 'voltage') return (base + Math.round((u - 0.5) * 4) / 10).toFixed(1);
  if (name.endsWith('speed')) return String(Math.round(base + (u - 0.5) * 200));
  return String(Math.round(base + (u - 0.5) * 6 + Math.min(8, state.cpuLoad / 10)));
}

export function healthItems(spec: RouterSpec, state: RouterState): Item[] {
  const board = boardOf(spec);
  if (spec.formats.health === 'none') return [];
  if (spec.formats.health === 'named') {
    const item: Item = board.health.v6.map((s) => {
      if (s.base === 'ok') return [s.name, 'ok'];
      const value = sensorValue(spec, state, s.name, s.base);
      return [s.name, spec.formats.healthUnits ? `${value}${s.type}` : value];
    });
    return [item];
  }
  return board.health.v7.map((s, k) => [
    ['.id', `*${(0xd + k).toString(16).toUpperCase()}`],
    ['name', s.name],
    ['value', s.base === 'ok' ? 'ok' : sensorValue(spec, state, s.name, s.base)],
    ['type', s.type],
  ]);
}

export function interfaceItems(spec: RouterSpec, state: RouterState): Item[] {
  return spec.interfaces.map((f, k) => {
    const counters = state.interfaces[k];
    const rxDrop = counters.rxPacket / 50_000n;
    const item: Item = [
      ['.id', `*${(k + 1).toString(16).toUpperCase()}`],
      ['name', f.name],
    ];
    if (f.type !== 'bridge') item.push(['default-name', f.name]);
    item.push(
      ['type', f.type],
      ['mtu', f.type === 'bridge' ? 'auto' : '1500'],
      ['actual-mtu', '1500'],
      ['l2mtu', f.type === 'wlan' ? '1600' : '1598'],
      ['max-l2mtu', f.type === 'wlan' ? '2290' : '4074'],
      ['mac-address', macOf(spec, f.type === 'bridge' ? 'ether2' : f.name)],
    );
    if (counters.lastLinkUpAt) item.push(['last-link-up-time', linkUpTime(spec, counters.lastLinkUpAt)]);
    item.push(
      ['link-downs', '0'],
      ['rx-byte', counters.rxByte.toString()],
      ['tx-byte', counters.txByte.toString()],
      ['rx-packet', counters.rxPacket.toString()],
      ['tx-packet', counters.txPacket.toString()],
      ['rx-drop', rxDrop.toString()],
      ['tx-drop', '0'],
      ['tx-queue-drop', '0'],
      ['rx-error', '0'],
      ['tx-error', '0'],
      ['fp-rx-byte', counters.rxByte.toString()],
      ['fp-tx-byte', '0'],
      ['fp-rx-packet', counters.rxPacket.toString()],
      ['fp-tx-packet', '0'],
      ['running', bool(counters.running)],
      ['disabled', 'false'],
    );
    if (f.type === 'wlan') item.push(['slave', 'true']);
    return item;
  });
}

export function wirelessItems(spec: RouterSpec, state: RouterState): Item[] {
  const board = boardOf(spec);
  return spec.interfaces
    .map((f, k) => ({ f, k }))
    .filter(({ f }) => f.type === 'wlan')
    .map(({ f, k }, r): Item => {
      const radio = board.radios[r];
      return [
        ['.id', `*${(k + 1).toString(16).toUpperCase()}`],
        ['name', f.name],
        ['mtu', '1500'],
        ['l2mtu', '1600'],
        ['mac-address', macOf(spec, f.name)],
        ['arp', 'enabled'],
        ['interface-type', radio.interfaceType],
        ['mode', 'ap-bridge'],
        ['ssid', 'CityWiFi Tangsel'],
        ['frequency', String(radio.frequency)],
        ['band', radio.band],
        ['channel-width', radio.band.startsWith('5') ? '20/40/80mhz-XXXX' : '20/40mhz-XC'],
        ['wireless-protocol', '802.11'],
        ['security-profile', 'default'],
        ['default-name', f.name],
        ['running', bool(state.interfaces[k].running)],
        ['disabled', 'false'],
      ];
    });
}

interface ActiveUser {
  slot: number;
  uptime: number;
  bytesIn: number;
  bytesOut: number;
  session: number;
}

/** The logged-in users: slot k's session lasts 10 min–2 h and is followed at once by another's. */
function activeUsers(spec: RouterSpec, state: RouterState): ActiveUser[] {
  const now = state.at.getTime() / 1000;
  const users: ActiveUser[] = [];
  for (let slot = 0; slot < state.activeUsers; slot++) {
    const length = between(600, 7200, spec.index, spec.identity, 'session-length', slot);
    const offset = between(0, length - 1, spec.index, spec.identity, 'session-offset', slot);
    const session = Math.floor((now + offset) / length);
    const uptime = Math.max(1, Math.min(Math.floor((now + offset) % length), state.uptimeSeconds));
    const rate = between(500, 40_000, spec.index, spec.identity, 'session-rate', slot, session);
    users.push({ slot, uptime, bytesIn: Math.floor((uptime * rate) / 8), bytesOut: uptime * rate, session });
  }
  return users;
}

export function hotspotActiveItems(spec: RouterSpec, state: RouterState): Item[] {
  return activeUsers(spec, state).map((u): Item => {
    const id = hexOf(3, spec.index, spec.identity, 'user', u.slot, u.session);
    const mac = `${hexOf(6, spec.index, 'client-mac', u.slot, u.session)}`.toUpperCase().match(/../g)!.join(':');
    return [
      ['.id', `*${(u.slot + 1).toString(16).toUpperCase()}`],
      ['server', 'hotspot1'],
      ['user', `cw-${id}`],
      ['domain', ''],
      ['address', `10.5.${50 + (u.slot >> 8)}.${(u.slot % 254) + 1}`],
      ['mac-address', mac],
      ['login-by', u.slot % 5 === 4 ? 'mac' : 'http-chap'],
      ['uptime', formatDuration(u.uptime)],
      ['idle-time', formatDuration(u.uptime % 17)],
      ['idle-timeout', '5m'],
      ['keepalive-timeout', '2m'],
      ['bytes-in', String(u.bytesIn)],
      ['bytes-out', String(u.bytesOut)],
      ['packets-in', String(Math.floor(u.bytesIn / 300))],
      ['packets-out', String(Math.floor(u.bytesOut / 1100))],
      ['radius', 'true'],
    ];
  });
}

export function registrationItems(spec: RouterSpec, state: RouterState): Item[] {
  const wlans = spec.interfaces.filter((f) => f.type === 'wlan');
  if (wlans.length === 0) return [];
  return activeUsers(spec, state).map((u): Item => {
    const mac = `${hexOf(6, spec.index, 'client-mac', u.slot, u.session)}`.toUpperCase().match(/../g)!.join(':');
    const signal = -between(45, 85, spec.index, 'signal', u.slot, Math.floor(state.at.getTime() / 60_000));
    const packetsIn = Math.floor(u.bytesIn / 300);
    const packetsOut = Math.floor(u.bytesOut / 1100);
    return [
      ['.id', `*${(u.slot + 1).toString(16).toUpperCase()}`],
      ['interface', wlans[u.slot % wlans.length].name],
      ['mac-address', mac],
      ['ap', 'false'],
      ['wds', 'false'],
      ['rx-rate', '54Mbps'],
      ['tx-rate', '65Mbps-20MHz/1S/SGI'],
      ['packets', `${packetsOut},${packetsIn}`],
      ['bytes', `${u.bytesOut},${u.bytesIn}`],
      ['frames', `${packetsOut},${packetsIn}`],
      ['uptime', formatDuration(u.uptime)],
      ['signal-strength', `${signal}@6Mbps`],
      ['signal-to-noise', String(signal + 100)],
      ['signal-strength-ch0', String(signal)],
      ['tx-ccq', String(between(40, 99, spec.index, 'ccq', u.slot))],
    ];
  });
}

/** One /ping probe; v7 writes times with microseconds. */
export function pingItem(spec: RouterSpec, address: string, seq: number, sent: number, rtts: number[]): Item {
  const micro = majorVersion(spec) >= 7;
  const ms = (n: number) => formatDuration(n / 1000, { micro }).replace(/^0s$/, '0ms');
  const rtt = rtts[rtts.length - 1];
  const min = Math.min(...rtts);
  const max = Math.max(...rtts);
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  return [
    ['seq', String(seq)],
    ['host', address],
    ['size', '56'],
    ['ttl', '64'],
    ['time', ms(rtt)],
    ['sent', String(sent)],
    ['received', String(rtts.length)],
    ['packet-loss', String(Math.round((100 * (sent - rtts.length)) / sent))],
    ['min-rtt', ms(min)],
    ['avg-rtt', ms(Math.round(avg * 1000) / 1000)],
    ['max-rtt', ms(max)],
  ];
}
