/**
 * One random mirror step on a small tabular MDP, for the per-state checks of Lemma 5.2 and of the
 * chain identity (test/propagation.test.ts, test/chain.test.ts): energies E_k, E_{k+1} at `scale`,
 * a Q, a peaked π* and λ_k ∈ [0.05, 1.05). Both tests draw the same cases from the same seed.
 */
import { energyPolicy } from "../lib/mdp/exact";
import type { FiniteMdp } from "../lib/mdp/mdp";
import type { Rng } from "../lib/random";

export interface RandomStep {
  energyK: Float64Array;
  energyNext: Float64Array;
  q: Float64Array;
  piStar: Float64Array;
  lambda: number;
}

/** Draws E_k, E_{k+1} (entries N(0, scale²)), Q (N(0, 1)), π* ∝ exp(3·N(0, 1)) and λ_k, each S·A long. */
export function randomStep(rng: Rng, mdp: FiniteMdp, scale: number): RandomStep {
  const n = mdp.states * mdp.actions;
  const energyK = Float64Array.from({ length: n }, () => scale * rng.normal());
  const energyNext = Float64Array.from({ length: n }, () => scale * rng.normal());
  const q = Float64Array.from({ length: n }, () => rng.normal());
  const piStar = energyPolicy(mdp, Float64Array.from({ length: n }, () => 3 * rng.normal()));
  const lambda = 0.05 + rng.uniform();
  return { energyK, energyNext, q, piStar, lambda };
}
