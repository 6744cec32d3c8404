import { readFileSync } from 'node:fs';
import { seededRandom } from '../seeded-random.js';

/**
 * New sites for `citywifi sim history` on an empty database: spread over the kelurahan seeded in
 * areas, each placed at a random point inside its kelurahan's boundary (the dashboard's offline map
 * file, from ../shared/data), with a category and a name like the city's real ones.
 */

export interface PlacedSite {
  code: string;
  name: string;
  areaCode: string;
  category: string;
  lat: number;
  lon: number;
  address: string;
}

type Ring = Array<[number, number]>;
interface Feature {
  properties: { kode: string; kelurahan: string };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

export const BOUNDARIES_FILE = new URL('../../dashboard/map-data/tangsel-kelurahan.geojson', import.meta.url);

const CATEGORIES: Array<[category: string, label: string, weight: number]> = [
  ['park', 'Taman', 3],
  ['rptra', 'RPTRA', 2],
  ['community-hall', 'Balai Warga', 3],
  ['mosque', 'Masjid', 2],
  ['school', 'Sekolah', 2],
  ['puskesmas', 'Puskesmas', 1],
  ['kelurahan-office', 'Kantor Kelurahan', 1],
];

function insideRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonsOf(feature: Feature): Ring[][] {
  return feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
}

function insideFeature(lon: number, lat: number, polygons: Ring[][]): boolean {
  return polygons.some(([outer, ...holes]) => insideRing(lon, lat, outer) && !holes.some((h) => insideRing(lon, lat, h)));
}

function randomPointIn(polygons: Ring[][], random: () => number): [number, number] {
  const points = polygons.flatMap(([outer]) => outer);
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  for (let tries = 0; tries < 1000; tries++) {
    const lon = x0 + random() * (x1 - x0);
    const lat = y0 + random() * (y1 - y0);
    if (insideFeature(lon, lat, polygons)) return [Number(lon.toFixed(6)), Number(lat.toFixed(6))];
  }
  throw new Error('no point found inside a kelurahan boundary');
}

/** `count` sites over the kelurahan (codes as in areas) that have a boundary, deterministic for a seed. */
export function placeSites(count: number, kelurahan: Array<{ code: string; name: string }>, seed: number, boundariesText = readFileSync(BOUNDARIES_FILE, 'utf8')): PlacedSite[] {
  const features = (JSON.parse(boundariesText) as { features: Feature[] }).features;
  const byCode = new Map(features.map((f) => [f.properties.kode, polygonsOf(f)]));
  const areas = kelurahan.filter((k) => byCode.has(k.code));
  if (areas.length === 0) throw new Error('no kelurahan with a boundary to place sites in (are the areas seeded?)');
  const random = seededRandom(seed);
  const weights = areas.map(() => 0.5 + random());
  const total = weights.reduce((a, b) => a + b, 0);
  const totalWeight = CATEGORIES.reduce((a, c) => a + c[2], 0);
  const perArea = new Map<string, number>();
  const sites: PlacedSite[] = [];
  for (let i = 0; i < count; i++) {
    let r = random() * total;
    let a = 0;
    while (a < areas.length - 1 && r >= weights[a]) r -= weights[a++];
    const area = areas[a];
    const n = (perArea.get(area.code) ?? 0) + 1;
    perArea.set(area.code, n);
    let c = random() * totalWeight;
    let k = 0;
    while (k < CATEGORIES.length - 1 && c >= CATEGORIES[k][2]) c -= CATEGORIES[k++][2];
    const [category, label] = CATEGORIES[k];
    const [lon, lat] = randomPointIn(byCode.get(area.code)!, random);
    const number = String(n).padStart(3, '0');
    sites.push({
      code: `tsl-${area.code.replaceAll('.', '')}-${number}`,
      name: `${label} ${area.name} ${n}`,
      areaCode: area.code,
      category,
      lat,
      lon,
      address: `Kel. ${area.name}, titik ${number}`,
    });
  }
  return sites;
}
