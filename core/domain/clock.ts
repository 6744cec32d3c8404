/** Time comes from a clock passed in, so tests can set it; production uses the system clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock for tests: starts at `start` and moves only when told. */
export function fixedClock(start: Date | string): Clock & { set(to: Date | string): void; advance(seconds: number): void } {
  let now = new Date(start);
  const clock = (() => new Date(now)) as Clock & { set(to: Date | string): void; advance(seconds: number): void };
  clock.set = (to) => {
    now = new Date(to);
  };
  clock.advance = (seconds) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  return clock;
}
