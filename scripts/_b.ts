import { Rng } from "../lib/random";
import { initNetwork } from "../lib/network";
import { solveFast } from "../lib/solvers/kernel";
import { drawPairs } from "../lib/solvers/samples";
import { loadMdpInput } from "../lib/experiments/mdp-input";
const { mdp } = loadMdpInput("data/mdp/garnet-s10-a4.json");
const N = 40, d = 8;
for (const m of [256, 4096]) {
  const init = initNetwork(Rng.fromSeed(1), { replicas: 4, width: m, dim: d });
  const steps = 2000;
  const w = new Float64Array(N).fill(1 / N);
  const p = { init, features: mdp.features!, steps, radius: new Float64Array(4).fill(1), pairs: [0,1,2,3].map((r) => drawPairs(w, steps, Rng.fromSeed(r))), target: { kind: "regression" as const, values: new Float64Array(4 * N).fill(0.3) } };
  const t0 = performance.now(); solveFast(p); const dt = (performance.now() - t0) / 1000;
  console.log("fast m", m, "replica-steps/s", (4 * steps / dt).toFixed(0), "ns per unit·dim", (dt * 1e9 / (4 * steps * m * d)).toFixed(2));
}
