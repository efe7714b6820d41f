/**
 * CliffWalking as Gymnasium defines it (gymnasium/envs/toy_text/cliffwalking.py, default
 * options): a 4 × 12 grid, s = row·12 + col, start (3, 0), goal (3, 11), the cliff (3, 1…10);
 * actions 0 UP, 1 RIGHT, 2 DOWN, 3 LEFT, deterministic (a move into a wall stays put). Reward −1
 * per step; stepping into the cliff gives −100 and returns to the start (the episode goes on);
 * entering the goal gives −1 and ends the episode. ρ0 = the start.
 */
import type { EpisodicOutcome, EpisodicTable } from "../restart";

export const CLIFF_ROWS = 4;
export const CLIFF_COLS = 12;
export const CLIFF_START = 3 * CLIFF_COLS;
export const CLIFF_GOAL = 3 * CLIFF_COLS + CLIFF_COLS - 1;

const MOVES: [number, number][] = [[-1, 0], [0, 1], [1, 0], [0, -1]];

export const isCliff = (s: number): boolean => Math.floor(s / CLIFF_COLS) === 3 && s % CLIFF_COLS >= 1 && s % CLIFF_COLS <= CLIFF_COLS - 2;

export function cliffWalkingTable(): EpisodicTable {
  const S = CLIFF_ROWS * CLIFF_COLS;
  const outcomes: EpisodicOutcome[][][] = [];
  for (let s = 0; s < S; s++) {
    outcomes.push(
      MOVES.map(([dr, dc]) => {
        const r = Math.min(Math.max(Math.floor(s / CLIFF_COLS) + dr, 0), CLIFF_ROWS - 1);
        const c = Math.min(Math.max((s % CLIFF_COLS) + dc, 0), CLIFF_COLS - 1);
        const next = r * CLIFF_COLS + c;
        if (isCliff(next)) return [{ p: 1, next: CLIFF_START, reward: -100, done: false }];
        return [{ p: 1, next, reward: -1, done: next === CLIFF_GOAL }];
      }),
    );
  }
  const initial = new Float64Array(S);
  initial[CLIFF_START] = 1;
  return { states: S, actions: 4, outcomes, initial };
}
