/**
 * RiverSwim (Strehl & Littman 2008), the 6-state variant of Osband, Russo & Van Roy (2013),
 * continuing: states 0…5 along a river, actions 0 LEFT (with the current: always one state
 * left, staying at 0) and 1 RIGHT (against it): from 0, stay 0.4 / right 0.6; from 1…4, left
 * 0.05 / stay 0.6 / right 0.35; from 5, left 0.4 / stay 0.6. Rewards r(0, LEFT) = 0.005,
 * r(5, RIGHT) = 1, else 0.
 */

export const RIVERSWIM_STATES = 6;

export function riverSwim(): { states: number; actions: number; transitions: Float64Array; rewards: Float64Array } {
  const S = RIVERSWIM_STATES;
  const A = 2;
  const P = new Float64Array(S * A * S);
  const r = new Float64Array(S * A);
  const set = (s: number, a: number, t: number, p: number) => (P[(s * A + a) * S + t] += p);
  for (let s = 0; s < S; s++) {
    set(s, 0, Math.max(s - 1, 0), 1);
    if (s === 0) {
      set(s, 1, 0, 0.4);
      set(s, 1, 1, 0.6);
    } else if (s === S - 1) {
      set(s, 1, s - 1, 0.4);
      set(s, 1, s, 0.6);
    } else {
      set(s, 1, s - 1, 0.05);
      set(s, 1, s, 0.6);
      set(s, 1, s + 1, 0.35);
    }
  }
  r[0 * A + 0] = 0.005;
  r[(S - 1) * A + 1] = 1;
  return { states: S, actions: A, transitions: P, rewards: r };
}
