import { NO_FIGURE_FILL, NO_FIGURE_PATTERN } from '../core/domain/map-shading.js';
import type { SiteState } from '../core/domain/site-state.js';
import type { CityShapes } from './city-shapes.js';

/**
 * The map as one inline SVG string: kelurahan filled by their shade (a grey hatch where there is no
 * figure) with light grey outlines, kecamatan borders over them, then the sites as dots grouped by
 * state. One <g> per state carries the colour and class; a dot is only a link with its title (the
 * tooltip, and the link's name for a screen reader) and an empty circle with a centre and no radius,
 * so 5,000 sites stay a small page. Sizes live in /static/map.css: the dot
 * radius per state and screen width, and outlines in screen pixels (vector-effect), so a phone gets
 * readable, tappable dots and visible borders. Down sites are drawn last and larger, so they are never
 * hidden under a healthy neighbour. Everything here is escaped; nothing names another host.
 */

/** Okabe-Ito colours: told apart with every common colour-vision deficiency. */
export const STATE_COLOURS: Record<SiteState, string> = {
  up: '#009e73',
  degraded: '#e69f00',
  down: '#d55e00',
  maintenance: '#0072b2',
  unknown: '#8c8c8c',
};
/** Drawing order: the states that matter most come last, on top. */
export const DOT_ORDER: SiteState[] = ['unknown', 'up', 'maintenance', 'degraded', 'down'];
/** Light grey: borders between kelurahan show on white, on the hatch and on every step of the scale. */
export const KELURAHAN_OUTLINE = '#a3abb3';
const TILE = 10;
/** The "no figure" hatch; the legend's swatch on the same page fills with it too. */
const NO_FIGURE_DEFS =
  `<defs><pattern id="${NO_FIGURE_PATTERN.id}" width="${TILE}" height="${TILE}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
  `<rect width="${TILE}" height="${TILE}" fill="${NO_FIGURE_PATTERN.ground}"/><path d="M1.5 0V${TILE}" stroke="${NO_FIGURE_PATTERN.stripe}" stroke-width="3"/></pattern></defs>`;

export interface ShadedKelurahan {
  fill: string;
  step: number | null;
  title: string;
}

export interface Dot {
  code: string;
  x: number;
  y: number;
  title: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function renderMapSvg(input: {
  shapes: CityShapes;
  shading: Map<string, ShadedKelurahan>;
  dots: Map<SiteState, Dot[]>;
  label: string;
  stateNames: Record<SiteState, string>;
}): string {
  const { shapes, shading, dots } = input;
  const out: string[] = [];
  out.push(`<svg class="city-map" viewBox="0 0 ${shapes.width} ${shapes.height}" role="group" aria-label="${escapeXml(input.label)}">`);
  out.push(NO_FIGURE_DEFS);
  out.push(`<g class="kelurahan" stroke="${KELURAHAN_OUTLINE}" stroke-width="1" stroke-linejoin="round">`);
  for (const k of shapes.kelurahan) {
    const shade = shading.get(k.code);
    const step = shade?.step ?? null;
    out.push(
      `<path data-code="${escapeXml(k.code)}" class="shade-${step === null ? 'none' : step}" fill="${shade?.fill ?? NO_FIGURE_FILL}" d="${k.d}"><title>${escapeXml(shade?.title ?? k.name)}</title></path>`,
    );
  }
  out.push('</g>');
  out.push('<g class="kecamatan" fill="none" stroke="#2d2d2d" stroke-width="1.8" stroke-linejoin="round">');
  for (const k of shapes.kecamatan) out.push(`<path data-code="${escapeXml(k.code)}" d="${k.d}"><title>${escapeXml(k.name)}</title></path>`);
  out.push('</g>');
  for (const state of DOT_ORDER) {
    const list = dots.get(state);
    if (!list || list.length === 0) continue;
    out.push(`<g class="dots state-${state}" fill="${STATE_COLOURS[state]}" data-count="${list.length}">`);
    for (const dot of list) {
      out.push(`<a href="/sites/${encodeURIComponent(dot.code)}"><title>${escapeXml(dot.title)}</title><circle cx="${dot.x}" cy="${dot.y}"/></a>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('');
}
