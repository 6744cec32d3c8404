/**
 * The boards and RouterOS versions the emulated fleet is drawn from: the kinds of MikroTik found at
 * city hotspots, and the v6.49 long-term and v7 releases on either side of each format change
 * (build-time style changed between 7.10 and 7.16; `!empty` from 7.18; PROTOCOLS.md §B.3, §B.8).
 */

export interface HealthSensor {
  name: string;
  /** `V`, `C`, `RPM`, or empty for a state such as psu1-state. */
  type: string;
  /** The typical value; states are `ok`. */
  base: number | 'ok';
}

export interface Board {
  boardName: string;
  /** /system/routerboard model as v6 prints it (v7 prints the board name). */
  model: string;
  architecture: string;
  cpu: string;
  cpuCount: number;
  /** MHz; undefined where v7 leaves cpu-frequency out (the CCR2004 sample). */
  cpuFrequency: number | undefined;
  totalMemory: number;
  totalHdd: number;
  firmwareType: string;
  factorySoftware: string;
  ethernets: number;
  radios: Array<{ band: string; frequency: number; interfaceType: string }>;
  /** v6: one item with named fields; v7: one item per sensor (empty for boards that report none). */
  health: { v6: HealthSensor[]; v7: HealthSensor[] };
}

const MIB = 1024 * 1024;
const VOLTAGE: HealthSensor = { name: 'voltage', type: 'V', base: 24.1 };
const TEMPERATURE: HealthSensor = { name: 'temperature', type: 'C', base: 41 };
const RADIO_2GHZ = { band: '2ghz-b/g/n', frequency: 2412, interfaceType: 'Atheros AR9300' };
const RADIO_5GHZ = { band: '5ghz-a/n/ac', frequency: 5180, interfaceType: 'IPQ4019' };

export const BOARDS: readonly Board[] = [
  {
    boardName: 'RB951Ui-2HnD',
    model: '951Ui-2HnD',
    architecture: 'mipsbe',
    cpu: 'MIPS 74Kc V4.12',
    cpuCount: 1,
    cpuFrequency: 600,
    totalMemory: 128 * MIB,
    totalHdd: 128 * MIB,
    firmwareType: 'ar9344',
    factorySoftware: '6.7',
    ethernets: 5,
    radios: [RADIO_2GHZ],
    health: { v6: [VOLTAGE, TEMPERATURE], v7: [VOLTAGE, TEMPERATURE] },
  },
  {
    boardName: 'RB952Ui-5ac2nD',
    model: 'RB952Ui-5ac2nD',
    architecture: 'mipsbe',
    cpu: 'MIPS 24Kc V7.4',
    cpuCount: 1,
    cpuFrequency: 650,
    totalMemory: 64 * MIB,
    totalHdd: 16 * MIB,
    firmwareType: 'qca9531L',
    factorySoftware: '6.34.4',
    ethernets: 5,
    radios: [RADIO_2GHZ, { band: '5ghz-a/n/ac', frequency: 5180, interfaceType: 'QCA9887' }],
    health: { v6: [VOLTAGE], v7: [VOLTAGE] },
  },
  {
    boardName: 'hAP ac^2',
    model: 'RBD52G-5HacD2HnD',
    architecture: 'arm',
    cpu: 'ARM',
    cpuCount: 4,
    cpuFrequency: 716,
    totalMemory: 128 * MIB,
    totalHdd: 16 * MIB,
    firmwareType: 'ipq4000L',
    factorySoftware: '6.41.3',
    ethernets: 5,
    radios: [{ ...RADIO_2GHZ, interfaceType: 'IPQ4019' }, RADIO_5GHZ],
    health: { v6: [VOLTAGE, TEMPERATURE], v7: [VOLTAGE, TEMPERATURE] },
  },
  {
    boardName: 'cAP ac',
    model: 'RBcAPGi-5acD2nD',
    architecture: 'arm',
    cpu: 'ARM',
    cpuCount: 4,
    cpuFrequency: 716,
    totalMemory: 128 * MIB,
    totalHdd: 16 * MIB,
    firmwareType: 'ipq4000L',
    factorySoftware: '6.46.4',
    ethernets: 2,
    radios: [{ ...RADIO_2GHZ, interfaceType: 'IPQ4019' }, RADIO_5GHZ],
    // The 7.10.2 cAP ac of [tomaae#392] reports no sensors at all.
    health: { v6: [VOLTAGE, TEMPERATURE], v7: [] },
  },
  {
    boardName: 'wAP ac',
    model: 'RBwAPG-5HacD2HnD',
    architecture: 'arm',
    cpu: 'ARM',
    cpuCount: 4,
    cpuFrequency: 716,
    totalMemory: 128 * MIB,
    totalHdd: 16 * MIB,
    firmwareType: 'ipq4000L',
    factorySoftware: '6.41.3',
    ethernets: 1,
    radios: [{ ...RADIO_2GHZ, interfaceType: 'IPQ4019' }, RADIO_5GHZ],
    health: { v6: [VOLTAGE, TEMPERATURE], v7: [VOLTAGE, TEMPERATURE] },
  },
  {
    boardName: 'CCR2004-16G-2S+',
    model: 'CCR2004-16G-2S+',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequency: undefined,
    totalMemory: 4096 * MIB,
    totalHdd: 128 * MIB,
    firmwareType: 'al52400',
    factorySoftware: '6.46.4',
    ethernets: 16,
    radios: [],
    health: {
      v6: [TEMPERATURE, { name: 'cpu-temperature', type: 'C', base: 56 }, { name: 'fan1-speed', type: 'RPM', base: 5400 }, { name: 'psu1-state', type: '', base: 'ok' }],
      v7: [
        VOLTAGE,
        TEMPERATURE,
        { name: 'cpu-temperature', type: 'C', base: 56 },
        { name: 'fan1-speed', type: 'RPM', base: 5400 },
        { name: 'fan2-speed', type: 'RPM', base: 5300 },
        { name: 'psu1-state', type: '', base: 'ok' },
        { name: 'psu2-state', type: '', base: 'ok' },
      ],
    },
  },
];

export interface Release {
  /** `6.49.10`. */
  number: string;
  channel: 'long-term' | 'stable';
  /** When the release was built, as an instant. */
  builtAt: string;
}

export const RELEASES: readonly Release[] = [
  { number: '6.49.7', channel: 'long-term', builtAt: '2022-10-18T02:12:50Z' },
  { number: '6.49.10', channel: 'long-term', builtAt: '2023-09-06T05:27:11Z' },
  { number: '6.49.17', channel: 'long-term', builtAt: '2024-11-19T08:41:07Z' },
  { number: '7.10.2', channel: 'stable', builtAt: '2023-07-11T04:25:54Z' },
  { number: '7.16.2', channel: 'stable', builtAt: '2024-11-26T05:09:40Z' },
  { number: '7.18.2', channel: 'stable', builtAt: '2025-03-11T09:33:18Z' },
  { number: '7.19.4', channel: 'stable', builtAt: '2025-07-31T06:02:44Z' },
];

/** [major, minor, patch] of a version number such as `7.18.2`. */
export function versionParts(number: string): [number, number, number] {
  const [major, minor = 0, patch = 0] = number.split('.').map(Number);
  return [major, minor, patch];
}

/** True when version `a` is at least `b` (both as [major, minor]). */
export function atLeast(number: string, major: number, minor: number): boolean {
  const [ma, mi] = versionParts(number);
  return ma > major || (ma === major && mi >= minor);
}

/** Kecamatan of Kota Tangerang Selatan, for identities that read like the city's own. */
export const AREAS: readonly string[] = ['serpong', 'serpong-utara', 'ciputat', 'ciputat-timur', 'pamulang', 'pondok-aren', 'setu'];

export const PLACES: readonly string[] = ['taman', 'masjid', 'kelurahan', 'puskesmas', 'sekolah', 'pasar', 'terminal', 'perpustakaan'];
