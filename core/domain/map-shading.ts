/**
 * How the dashboard's map shades a kelurahan: five steps from light to dark (ColorBrewer "Purples",
 * readable with every common colour-vision deficiency and distinct from the state colours of the site
 * dots drawn over it), plus a grey hatch for "no figure": a texture, not a colour of the scale, so it
 * is never read as "lowest step", and never white (a white kelurahan vanishes into the page).
 * Pure rules; the dashboard draws them.
 *
 * - coverage against a target: active sites as a share of this year's target, in steps of a quarter;
 * - coverage without targets: the count of active sites, in steps of a quarter of the largest count;
 * - uptime: the share of monitored time the routers answered, leaving planned maintenance out.
 */

export const SHADE_MODES = ['coverage', 'uptime'] as const;
export type ShadeMode = (typeof SHADE_MODES)[number];

export function isShadeMode(value: unknown): value is ShadeMode {
  return typeof value === 'string' && (SHADE_MODES as readonly string[]).includes(value);
}

export const SHADE_FILLS = ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#6a51a3'] as const;
/** "No figure": light grey with darker grey stripes, drawn as an SVG pattern with this id (dashboard/map-svg.ts). */
export const NO_FIGURE_PATTERN = { id: 'no-figure', ground: '#eeeeee', stripe: '#c2c2c2' } as const;
export const NO_FIGURE_FILL = `url(#${NO_FIGURE_PATTERN.id})`;

/** A step of the scale (0 lightest … 4 darkest), or null when there is no figure to shade by. */
export type Step = 0 | 1 | 2 | 3 | 4 | null;

/** Lower bounds of steps 1 to 4 for a share of the target (0 … 1 and above). */
export const TARGET_STEPS = [0.25, 0.5, 0.75, 1] as const;
/** Lower bounds of steps 1 to 4 for uptime (a share, 0 … 1). */
export const UPTIME_STEPS = [0.9, 0.95, 0.98, 0.995] as const;

function stepOf(value: number, lowerBounds: readonly number[]): Exclude<Step, null> {
  let step = 0;
  for (const bound of lowerBounds) if (value >= bound) step++;
  return step as Exclude<Step, null>;
}

export function targetStep(active: number, target: number | null): Step {
  if (target === null || target <= 0) return null;
  return stepOf(active / target, TARGET_STEPS);
}

/** A count of sites as a step: none is step 0, then quarters of the largest count on the map (the largest is step 4). */
export function countStep(count: number, largest: number): Step {
  if (count <= 0 || largest <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / largest) * 4))) as Step;
}

/** The counts that fall in step 1 to 4 for `largest`, as [from, to]; null when no whole count does. */
export function countStepRange(step: 1 | 2 | 3 | 4, largest: number): [number, number] | null {
  const from = Math.floor((largest * (step - 1)) / 4) + 1;
  const to = Math.floor((largest * step) / 4);
  return from <= to ? [from, to] : null;
}

export function uptimeStep(share: number | null): Step {
  return share === null ? null : stepOf(share, UPTIME_STEPS);
}

export function fillOf(step: Step): string {
  return step === null ? NO_FIGURE_FILL : SHADE_FILLS[step];
}

/** Uptime from seconds in each state: (up + degraded) over (up + degraded + down); null when none was monitored. */
export function uptimeShare(seconds: { up: number; degraded: number; down: number }): number | null {
  const monitored = seconds.up + seconds.degraded + seconds.down;
  return monitored > 0 ? (seconds.up + seconds.degraded) / monitored : null;
}
