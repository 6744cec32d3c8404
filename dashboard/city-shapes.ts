import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boundsOf, fitProjection, pathData, type Geometry, type Projection } from '../core/domain/map-projection.js';

/**
 * The city's outlines for the map, from the GeoJSON files in dashboard/map-data (copied from
 * shared/data: 54 kelurahan, 7 kecamatan dissolved from them, WGS84), projected to SVG path strings
 * once per process and kept in memory: a map page only joins strings.
 */
export const MAP_DATA_DIR = fileURLToPath(new URL('./map-data', import.meta.url));
export const MAP_WIDTH = 1000;
const MARGIN = 8;
/** Points closer than this (SVG units, a map 1,000 across) to the simplified outline are dropped. */
const TOLERANCE = 0.6;

export interface KelurahanShape {
  code: string;
  name: string;
  kecamatanCode: string;
  kecamatan: string;
  d: string;
}

export interface CityShapes {
  width: number;
  height: number;
  projection: Projection;
  kelurahan: KelurahanShape[];
  kecamatan: Array<{ code: string; name: string; d: string }>;
}

interface Feature<P> {
  properties: P;
  geometry: Geometry;
}

function readFeatures<P>(file: string): Array<Feature<P>> {
  const collection = JSON.parse(readFileSync(`${MAP_DATA_DIR}/${file}`, 'utf8')) as { features: Array<Feature<P>> };
  return collection.features;
}

let cached: CityShapes | undefined;

export function cityShapes(): CityShapes {
  if (cached) return cached;
  const kelurahan = readFeatures<{ kode: string; kelurahan: string; kecamatan: string; kode_kecamatan: string }>('tangsel-kelurahan.geojson');
  const kecamatan = readFeatures<{ kode: string; kecamatan: string }>('tangsel-kecamatan.geojson');
  const projection = fitProjection(boundsOf([...kelurahan, ...kecamatan].map((f) => f.geometry)), MAP_WIDTH, MARGIN);
  cached = {
    width: projection.width,
    height: projection.height,
    projection,
    kelurahan: kelurahan
      .map((f) => ({ code: f.properties.kode, name: f.properties.kelurahan, kecamatanCode: f.properties.kode_kecamatan, kecamatan: f.properties.kecamatan, d: pathData(f.geometry, projection, TOLERANCE) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    kecamatan: kecamatan.map((f) => ({ code: f.properties.kode, name: f.properties.kecamatan, d: pathData(f.geometry, projection, TOLERANCE) })).sort((a, b) => a.code.localeCompare(b.code)),
  };
  return cached;
}
