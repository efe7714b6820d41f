/**
 * FrozenLake as Gymnasium defines it (gymnasium/envs/toy_text/frozen_lake.py, `is_slippery=True`):
 * a grid map of S (start), F (frozen), H (hole), G (goal); actions 0 LEFT, 1 DOWN, 2 RIGHT, 3 UP.
 * Slippery: the intended move and each perpendicular move have probability 1/3 (a move into a
 * wall stays put); reward 1 on entering G; entering H or G ends the episode; from H or G the
 * table is (1, s, 0, done). ρ0 is uniform over the S cells.
 */
import type { EpisodicOutcome, EpisodicTable } from "../restart";

/** Gymnasium's `MAPS["4x4"]` and `MAPS["8x8"]`. */
export const FROZENLAKE_MAPS: Record<"4x4" | "8x8", string[]> = {
  "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
  "8x8": ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"],
};

const MOVES: [number, number][] = [[0, -1], [1, 0], [0, 1], [-1, 0]];

/** The episodic table P[s][a] = [(p, s', r, done)] of a map, s = row·ncol + col. */
export function frozenLakeTable(map: string[]): EpisodicTable {
  const nrow = map.length;
  const ncol = map[0].length;
  const S = nrow * ncol;
  const letter = (s: number) => map[Math.floor(s / ncol)][s % ncol];
  const step = (s: number, a: number) => {
    const r = Math.min(Math.max(Math.floor(s / ncol) + MOVES[a][0], 0), nrow - 1);
    const c = Math.min(Math.max((s % ncol) + MOVES[a][1], 0), ncol - 1);
    return r * ncol + c;
  };
  const outcomes: EpisodicOutcome[][][] = [];
  for (let s = 0; s < S; s++) {
    outcomes.push(
      Array.from({ length: 4 }, (_, a) => {
        if (letter(s) === "H" || letter(s) === "G") return [{ p: 1, next: s, reward: 0, done: true }];
        return [(a + 3) % 4, a, (a + 1) % 4].map((b) => {
          const next = step(s, b);
          return { p: 1 / 3, next, reward: letter(next) === "G" ? 1 : 0, done: letter(next) === "H" || letter(next) === "G" };
        });
      }),
    );
  }
  const starts = Array.from({ length: S }, (_, s) => s).filter((s) => letter(s) === "S");
  const initial = new Float64Array(S);
  for (const s of starts) initial[s] = 1 / starts.length;
  return { states: S, actions: 4, outcomes, initial };
}
