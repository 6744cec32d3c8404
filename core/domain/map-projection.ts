/**
 * Drawing a city from GeoJSON as SVG, with no map tiles: lon/lat to SVG units by an equirectangular
 * projection scaled by the cosine of the middle latitude (over a city of 15 km the distortion is far
 * below a pixel), y growing southwards; rings thinned by Douglas-Peucker in SVG units, and written as
 * compact path data. Pure: the caller reads the files and caches the strings.
 */

export type Ring = ReadonlyArray<readonly number[]>;
export type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface Bounds {
  minLon: number;
  maxLon: number;
  minLat: number;
  maxLat: number;
}

export interface Projection {
  width: number;
  height: number;
  /** SVG coordinates of a point, rounded to a tenth of a unit */
  project(lon: number, lat: number): [number, number];
}

/** The outer and inner rings of a Polygon or MultiPolygon, flattened. */
export function ringsOf(geometry: Geometry): Ring[] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

export function boundsOf(geometries: Geometry[]): Bounds {
  const b: Bounds = { minLon: Infinity, maxLon: -Infinity, minLat: Infinity, maxLat: -Infinity };
  for (const g of geometries) {
    for (const ring of ringsOf(g)) {
      for (const [lon, lat] of ring) {
        if (lon < b.minLon) b.minLon = lon;
        if (lon > b.maxLon) b.maxLon = lon;
        if (lat < b.minLat) b.minLat = lat;
        if (lat > b.maxLat) b.maxLat = lat;
      }
    }
  }
  if (!Number.isFinite(b.minLon)) throw new Error('no coordinates to draw');
  return b;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A projection that fits `bounds` into `width` SVG units across, with `margin` units on every side. */
export function fitProjection(bounds: Bounds, width: number, margin = 0): Projection {
  const midLat = ((bounds.minLat + bounds.maxLat) / 2) * (Math.PI / 180);
  const kx = Math.cos(midLat);
  const spanX = (bounds.maxLon - bounds.minLon) * kx;
  const spanY = bounds.maxLat - bounds.minLat;
  const scale = (width - 2 * margin) / (spanX || 1);
  const height = Math.ceil(spanY * scale + 2 * margin);
  return {
    width,
    height,
    project: (lon, lat) => [round1(margin + (lon - bounds.minLon) * kx * scale), round1(margin + (bounds.maxLat - lat) * scale)],
  };
}

function distanceToSegment(p: readonly number[], a: readonly number[], b: readonly number[]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/**
 * Douglas-Peucker on a closed ring of SVG points: drops points closer than `tolerance` to the line
 * kept, and repeated points. A ring keeps its first and last point and at least four points.
 */
export function simplifyRing(points: ReadonlyArray<[number, number]>, tolerance: number): Array<[number, number]> {
  const unique = points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1]);
  if (unique.length <= 4 || tolerance <= 0) return unique;
  const keep = new Uint8Array(unique.length);
  keep[0] = 1;
  keep[unique.length - 1] = 1;
  // a closed ring: split at the point farthest from the start so both halves have a real chord
  let far = 1;
  for (let i = 1; i < unique.length - 1; i++) if (Math.hypot(unique[i][0] - unique[0][0], unique[i][1] - unique[0][1]) > Math.hypot(unique[far][0] - unique[0][0], unique[far][1] - unique[0][1])) far = i;
  keep[far] = 1;
  const stack: Array<[number, number]> = [[0, far], [far, unique.length - 1]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    let worst = -1;
    let worstDistance = tolerance;
    for (let i = from + 1; i < to; i++) {
      const d = distanceToSegment(unique[i], unique[from], unique[to]);
      if (d > worstDistance) {
        worst = i;
        worstDistance = d;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([from, worst], [worst, to]);
    }
  }
  const kept = unique.filter((_, i) => keep[i] === 1);
  return kept.length >= 4 ? kept : unique;
}

/** SVG path data for a geometry: one subpath per ring ("M x,y x,y …Z"), thinned to `tolerance` SVG units. */
export function pathData(geometry: Geometry, projection: Projection, tolerance = 0.5): string {
  const parts: string[] = [];
  for (const ring of ringsOf(geometry)) {
    const points = simplifyRing(ring.map(([lon, lat]) => projection.project(lon, lat)), tolerance);
    // the ring is closed by Z: its repeated last point is left out
    const open = points.length > 1 && points[0][0] === points.at(-1)![0] && points[0][1] === points.at(-1)![1] ? points.slice(0, -1) : points;
    if (open.length < 3) continue;
    parts.push(`M${open.map(([x, y]) => `${x},${y}`).join(' ')}Z`);
  }
  return parts.join('');
}
