/**
 * What the restart ε does to a benchmark (SPEC §1, notebook 06): π* and L(π*) of P_ε for a grid
 * of ε down to ε = 0 (the continuing chain without mixing, where ν* is the Cesàro limit), and in
 * how many states π*(ε) differs from π*(0). The shipped ε is chosen where π* no longer changes.
 */
import { objective, optimalPolicy } from "../exact";
import { Benchmark, buildBenchmark } from "./catalog";

export const RESTART_GRID = [0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 1e-4, 0];

export interface RestartStudyRow {
  benchmark: string;
  epsilon: number;
  /** L(π*_ε) on P_ε ((1−γ)-scaled). */
  lStar: number;
  /** States where the greedy π*_ε differs from π*_0. */
  policyChanges: number;
  /** Policy-iteration sweeps to π*_ε. */
  iterations: number;
}

export function restartStudy(b: Benchmark, grid: number[] = RESTART_GRID): RestartStudyRow[] {
  const solved = grid.map((epsilon) => ({ epsilon, opt: optimalPolicy(buildBenchmark(b, "coordinates", epsilon)) }));
  const limit = solved.find((x) => x.epsilon === 0)?.opt ?? optimalPolicy(buildBenchmark(b, "coordinates", 0));
  const A = b.table().actions;
  return solved.map(({ epsilon, opt }) => {
    let changes = 0;
    for (let s = 0; s < opt.policy.length / A; s++) for (let a = 0; a < A; a++) if (opt.policy[s * A + a] !== limit.policy[s * A + a]) { changes++; break; }
    return { benchmark: b.name, epsilon, lStar: objective(opt.V, opt.nu), policyChanges: changes, iterations: opt.iterations };
  });
}
