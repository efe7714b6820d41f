/**
 * The restart transform (SPEC §1): how an episodic task becomes the continuing, ergodic MDP the
 * paper's statements need (stationary ν_π unique and positive for every π).
 *
 * 1. `continuingTable`: an episode's end sends the chain to the initial distribution ρ0. Each
 *    (p, s', done) entry of the episodic table adds p·ρ0 to the row when done, p·1{s'}
 *    otherwise; r(s, a) = Σ p·reward, the expected immediate reward, which the transform leaves
 *    unchanged.
 * 2. `withRestart`: P_ε = (1 − ε)·P + ε·U(S), U uniform over all states. Every row then has full
 *    support, so every policy's state chain is irreducible and aperiodic.
 */
import type { FiniteMdp } from "./mdp";

/** One outcome of an episodic table: probability, next state, reward, whether the episode ends. */
export interface EpisodicOutcome {
  p: number;
  next: number;
  reward: number;
  done: boolean;
}

/** An episodic table in Gymnasium's `P[s][a] = [(p, s', r, done), …]` shape, with ρ0 over states. */
export interface EpisodicTable {
  states: number;
  actions: number;
  outcomes: EpisodicOutcome[][][];
  /** ρ0 ∈ [S], summing to 1. */
  initial: Float64Array;
}

/** Step 1 of SPEC §1's transform: P[s, a, ·] = Σ p·(done ? ρ0 : 1{s'}) and r(s, a) = Σ p·reward. */
export function continuingTable(table: EpisodicTable): { transitions: Float64Array; rewards: Float64Array } {
  const { states: S, actions: A } = table;
  const transitions = new Float64Array(S * A * S);
  const rewards = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const row = (s * A + a) * S;
      for (const o of table.outcomes[s][a]) {
        if (o.done) for (let t = 0; t < S; t++) transitions[row + t] += o.p * table.initial[t];
        else transitions[row + o.next] += o.p;
        rewards[s * A + a] += o.p * o.reward;
      }
    }
  }
  return { transitions, rewards };
}

/** P_ε = (1 − ε)·P + ε/|S| entrywise, for P ∈ [S, A, S] (step 2 of SPEC §1's transform). */
export function mixUniform(transitions: Float64Array, states: number, epsilon: number): Float64Array {
  if (!(epsilon >= 0 && epsilon < 1)) throw new RangeError(`restart ε must be in [0, 1), got ${epsilon}`);
  if (epsilon === 0) return Float64Array.from(transitions);
  return transitions.map((p) => (1 - epsilon) * p + epsilon / states);
}

/**
 * The MDP with P_ε = (1 − ε)·P + ε·U(S) (SPEC §1); rewards, γ and features unchanged. The fix
 * the ergodicity check (lib/mdp/ergodicity.ts) names: any ε > 0 makes every policy's chain
 * ergodic. To run an experiment on it, `writeMdp` the result and name that file in the config.
 */
export function withRestart(mdp: FiniteMdp, epsilon: number): FiniteMdp {
  mixUniform(mdp.transitions, mdp.states, epsilon);
  const previous = mdp.source?.restart ?? 0;
  // Two mixings compose: (1−ε)((1−ε₀)P + ε₀U) + εU = (1−ε)(1−ε₀)P + (1 − (1−ε)(1−ε₀))U, so the
  // result is one mixing of the unmixed P, as a file with `source.restart` describes it.
  const base = previous > 0 && mdp.baseTransitions ? mdp.baseTransitions : mdp.transitions;
  const restart = previous > 0 && mdp.baseTransitions ? 1 - (1 - epsilon) * (1 - previous) : epsilon;
  return {
    ...mdp,
    name: `${mdp.name}-restart${epsilon}`,
    transitions: mixUniform(base, mdp.states, restart),
    baseTransitions: restart > 0 ? base : undefined,
    source: { benchmark: mdp.source?.benchmark ?? mdp.name, restart },
  };
}
