/**
 * Taxi (Dietterich 2000) with the dynamics of Gymnasium's Taxi-v3 at default options
 * (gymnasium/envs/toy_text/taxi.py): a 5 × 5 grid with walls, pick-up/drop-off locations
 * R (0,0), G (0,4), Y (4,0), B (4,3); s = ((row·5 + col)·5 + passenger)·4 + destination, with
 * passenger ∈ {0…3: at that location, 4: in the taxi}. Actions 0 south, 1 north, 2 east, 3 west,
 * 4 pick-up, 5 drop-off, deterministic. Reward −1 per step, +20 for a drop-off at the
 * destination (which ends the episode), −10 for an illegal pick-up or drop-off; a drop-off with
 * the passenger aboard at another location leaves them there (−1). ρ0 is uniform over the 300
 * states with the passenger at a location different from the destination.
 */
import type { EpisodicOutcome, EpisodicTable } from "../restart";

export const TAXI_MAP = ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];
export const TAXI_LOCATIONS: [number, number][] = [[0, 0], [0, 4], [4, 0], [4, 3]];

export const taxiEncode = (row: number, col: number, passenger: number, destination: number): number => ((row * 5 + col) * 5 + passenger) * 4 + destination;

export function taxiDecode(s: number): { row: number; col: number; passenger: number; destination: number } {
  return { destination: s % 4, passenger: Math.floor(s / 4) % 5, col: Math.floor(s / 20) % 5, row: Math.floor(s / 100) };
}

export function taxiTable(): EpisodicTable {
  const S = 500;
  const outcomes: EpisodicOutcome[][][] = [];
  const initial = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const { row, col, passenger, destination } = taxiDecode(s);
    if (passenger < 4 && passenger !== destination) initial[s] = 1;
    const at = TAXI_LOCATIONS.findIndex(([r, c]) => r === row && c === col);
    outcomes.push(
      Array.from({ length: 6 }, (_, a) => {
        let [r, c, p] = [row, col, passenger];
        let reward = -1;
        let done = false;
        if (a === 0) r = Math.min(row + 1, 4);
        else if (a === 1) r = Math.max(row - 1, 0);
        else if (a === 2 && TAXI_MAP[1 + row][2 * col + 2] === ":") c = Math.min(col + 1, 4);
        else if (a === 3 && TAXI_MAP[1 + row][2 * col] === ":") c = Math.max(col - 1, 0);
        else if (a === 4) {
          if (passenger < 4 && at === passenger) p = 4;
          else reward = -10;
        } else if (a === 5) {
          if (passenger === 4 && at === destination) {
            p = destination;
            done = true;
            reward = 20;
          } else if (passenger === 4 && at >= 0) p = at;
          else reward = -10;
        }
        return [{ p: 1, next: taxiEncode(r, c, p, destination), reward, done }];
      }),
    );
  }
  const n = initial.reduce((x, y) => x + y, 0);
  return { states: S, actions: 6, outcomes, initial: initial.map((x) => x / n) };
}
