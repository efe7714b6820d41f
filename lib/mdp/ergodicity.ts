/**
 * The ergodicity check (SPEC §1): the paper's statements need ν_π unique and positive for the
 * policies a run samples from. Both checks read only the support of P, so they are exact (no
 * tolerance) and cost far less than any experiment.
 *
 * - `policyErgodicity(mdp, π)`: is the state chain P^π irreducible? (A finite chain has a unique
 *   stationary distribution, positive everywhere, iff it is irreducible.)
 * - `everyPolicyErgodicity(mdp)`: is P^π irreducible for EVERY policy, deterministic ones
 *   included (the worst case, which convergence runs need: π* is deterministic and neural PPO
 *   approaches it)? P^π fails to be irreducible iff some policy can keep the chain inside a set
 *   C that avoids a state t for ever, i.e. C is non-empty and every s ∈ C has an action whose
 *   support lies in C. For each t the largest such C (a union of such sets is one) is found by
 *   peeling: start from S∖{t} and drop states that have no action staying inside, until none is
 *   dropped. O(|S|·nnz(P)) in all; a P with full support (any ε > 0 of the restart transform)
 *   passes at once.
 */
import { closedClasses, policyChain, type Policy } from "./exact";
import type { FiniteMdp } from "./mdp";

export interface PolicyErgodicity {
  ergodic: boolean;
  /** Closed communicating classes of P^π (one, of all states, when ergodic). */
  classes: number[][];
  /** States outside every closed class: transient, so zero mass in every stationary distribution. */
  zeroMass: number[];
}

export function policyErgodicity(mdp: FiniteMdp, pi: Policy): PolicyErgodicity {
  const S = mdp.states;
  const classes = closedClasses(policyChain(mdp, pi).transitions, S);
  const inClass = new Uint8Array(S);
  for (const c of classes) for (const s of c) inClass[s] = 1;
  const zeroMass = Array.from({ length: S }, (_, s) => s).filter((s) => !inClass[s]);
  return { ergodic: classes.length === 1 && zeroMass.length === 0, classes, zeroMass };
}

export interface EveryPolicyErgodicity {
  ergodic: boolean;
  /** States t that some policy never visits from some start (zero mass under that policy). */
  zeroMass: number[];
  /** For the first such t: a set C ∌ t that a policy keeps the chain in for ever, and that policy's action in each s ∈ C. */
  witness?: { avoided: number; kept: number[]; actions: number[] };
}

export function everyPolicyErgodicity(mdp: FiniteMdp): EveryPolicyErgodicity {
  const { states: S, actions: A, transitions: P } = mdp;
  let fullSupport = true;
  for (let i = 0; i < P.length && fullSupport; i++) if (!(P[i] > 0)) fullSupport = false;
  if (fullSupport) return { ergodic: true, zeroMass: [] };
  // Support lists, forward (pair → next states) and backward (state → pairs reaching it).
  const into: number[][] = Array.from({ length: S }, () => []);
  for (let j = 0; j < S * A; j++) for (let t = 0; t < S; t++) if (P[j * S + t] > 0) into[t].push(j);
  const zeroMass: number[] = [];
  let witness: EveryPolicyErgodicity["witness"];
  const outside = new Int32Array(S * A);
  const alive = new Uint8Array(S);
  const staying = new Int32Array(S);
  for (let t = 0; t < S; t++) {
    // outside[j]: next states of pair j not in C; staying[s]: actions of s with outside = 0.
    outside.fill(0);
    alive.fill(1);
    alive[t] = 0;
    for (const j of into[t]) outside[j]++;
    for (let s = 0; s < S; s++) {
      staying[s] = 0;
      for (let a = 0; a < A; a++) if (outside[s * A + a] === 0) staying[s]++;
    }
    const queue = Array.from({ length: S }, (_, s) => s).filter((s) => alive[s] && staying[s] === 0);
    for (const s of queue) alive[s] = 0;
    while (queue.length > 0) {
      const u = queue.pop()!;
      for (const j of into[u]) {
        if (outside[j]++ === 0) {
          const s = Math.floor(j / A);
          if (alive[s] && --staying[s] === 0) {
            alive[s] = 0;
            queue.push(s);
          }
        }
      }
    }
    const kept = Array.from({ length: S }, (_, s) => s).filter((s) => alive[s]);
    if (kept.length > 0) {
      zeroMass.push(t);
      if (!witness) witness = { avoided: t, kept, actions: kept.map((s) => Array.from({ length: A }, (_, a) => a).find((a) => outside[s * A + a] === 0)!) };
    }
  }
  return { ergodic: zeroMass.length === 0, zeroMass, witness };
}

/** A list of state indices for a message: the first `max`, then a count. */
export function listStates(states: number[], max = 20): string {
  return states.length <= max ? states.join(", ") : `${states.slice(0, max).join(", ")} … and ${states.length - max} more`;
}
