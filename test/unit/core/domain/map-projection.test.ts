import { expect } from 'chai';
import { boundsOf, fitProjection, pathData, simplifyRing, type Geometry } from '../../../../core/domain/map-projection.js';

describe('map projection', () => {
  const square: Geometry = { type: 'Polygon', coordinates: [[[106.6, -6.3], [106.7, -6.3], [106.7, -6.2], [106.6, -6.2], [106.6, -6.3]]] };

  it('fits the bounds into the width, north up, keeping the shape (longitude scaled by the cosine of the latitude)', () => {
    const projection = fitProjection(boundsOf([square]), 1000, 10);
    expect(projection.project(106.6, -6.2)).to.deep.equal([10, 10]);
    // 0.1° of longitude at 6.25° S is 0.994 of 0.1° of latitude: the square is a little taller than wide
    const south = 10 + 980 / Math.cos((6.25 * Math.PI) / 180);
    expect(projection.project(106.7, -6.3)).to.deep.equal([990, Math.round(south * 10) / 10]);
    expect(projection.height).to.equal(Math.ceil(south + 10));
  });

  it('writes a ring as one closed subpath, and a MultiPolygon as one subpath per part', () => {
    const projection = fitProjection(boundsOf([square]), 100);
    const south = projection.project(106.6, -6.3)[1];
    expect(south).to.equal(100.6);
    expect(pathData(square, projection)).to.equal(`M0,${south} 100,${south} 100,0 0,0Z`);
    const multi: Geometry = { type: 'MultiPolygon', coordinates: [square.coordinates, square.coordinates] };
    expect(pathData(multi, projection).match(/M/g)).to.have.length(2);
  });

  it('drops points within the tolerance of the outline and keeps the corners', () => {
    const ring: Array<[number, number]> = [[0, 0], [5, 0.1], [10, 0], [10, 10], [5, 10.2], [0, 10], [0, 0]];
    expect(simplifyRing(ring, 0.5)).to.deep.equal([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]);
    expect(simplifyRing(ring, 0)).to.deep.equal(ring);
  });
});
