/**
 * Exact quantities of a finite MDP in float64, with the paper's conventions (SPEC §1):
 * rewards scaled by (1−γ), so (I − γP_π)Q^π = (1−γ)r and |Q^π| ≤ R_max; ν_π the STATIONARY
 * state distribution of P^π (not the discounted visitation); L(π) = E_{ν*}[V^π].
 *
 * Policies are Float64Array [S, A] of probabilities π(a|s); Q is [S, A]; V and ν are [S].
 */
import { solve } from "../linalg";
import type { FiniteMdp } from "./mdp";

export type Policy = Float64Array;

/** π_0: uniform over actions in every state. */
export function uniformPolicy(mdp: FiniteMdp): Policy {
  return new Float64Array(mdp.states * mdp.actions).fill(1 / mdp.actions);
}

/** r_π(s) = Σ_a π(a|s) r(s,a) and P^π(s'|s) = Σ_a π(a|s) P(s'|s,a): [S] and [S, S]. */
export function policyChain(mdp: FiniteMdp, pi: Policy): { rewards: Float64Array; transitions: Float64Array } {
  const { states: S, actions: A } = mdp;
  const rewards = new Float64Array(S);
  const transitions = new Float64Array(S * S);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w === 0) continue;
      rewards[s] += w * mdp.rewards[s * A + a];
      const row = (s * A + a) * S;
      for (let t = 0; t < S; t++) transitions[s * S + t] += w * mdp.transitions[row + t];
    }
  }
  return { rewards, transitions };
}

/**
 * Q^π and V^π (SPEC §1): V solves (I − γP^π)V = (1−γ)r_π (an |S|×|S| system), then
 * Q(s,a) = (1−γ)r(s,a) + γ Σ_{s'} P(s'|s,a)V(s'), which solves (I − γP_π)Q = (1−γ)r exactly.
 */
export function evaluatePolicy(mdp: FiniteMdp, pi: Policy): { Q: Float64Array; V: Float64Array } {
  const { states: S, gamma } = mdp;
  const chain = policyChain(mdp, pi);
  const M = new Float64Array(S * S);
  for (let s = 0; s < S; s++) for (let t = 0; t < S; t++) M[s * S + t] = (s === t ? 1 : 0) - gamma * chain.transitions[s * S + t];
  const V = solve(M, chain.rewards.map((r) => (1 - gamma) * r), S);
  return { Q: qFromV(mdp, V), V };
}

/** Q(s,a) = (1−γ)r(s,a) + γ E_{s'∼P(·|s,a)}[V(s')]. */
export function qFromV(mdp: FiniteMdp, V: Float64Array): Float64Array {
  const { states: S, actions: A, gamma } = mdp;
  const Q = new Float64Array(S * A);
  for (let j = 0; j < S * A; j++) {
    let ev = 0;
    for (let t = 0; t < S; t++) ev += mdp.transitions[j * S + t] * V[t];
    Q[j] = (1 - gamma) * mdp.rewards[j] + gamma * ev;
  }
  return Q;
}

/** V(s) = Σ_a π(a|s) Q(s,a). */
export function vFromQ(mdp: FiniteMdp, pi: Policy, Q: Float64Array): Float64Array {
  const { states: S, actions: A } = mdp;
  const V = new Float64Array(S);
  for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) V[s] += pi[s * A + a] * Q[s * A + a];
  return V;
}

/** How ν was defined: the unique stationary distribution, or (chain not irreducible) the Cesàro limit from uniform. */
export type StationaryKind = "unique-stationary" | "cesaro-limit-from-uniform";

/** Closed communicating classes of a chain (Tarjan's SCC on the support of P, then closedness). */
export function closedClasses(P: Float64Array, S: number): number[][] {
  const index = new Int32Array(S).fill(-1);
  const low = new Int32Array(S);
  const onStack = new Uint8Array(S);
  const stack: number[] = [];
  const comps: number[][] = [];
  let counter = 0;
  const strong = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    for (let w = 0; w < S; w++) {
      if (P[v * S + w] <= 0) continue;
      if (index[w] < 0) {
        strong(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
    }
    if (low[v] === index[v]) {
      const comp: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        comp.push(w);
      } while (w !== v);
      comps.push(comp.sort((a, b) => a - b));
    }
  };
  for (let v = 0; v < S; v++) if (index[v] < 0) strong(v);
  return comps.filter((c) => {
    const inC = new Set(c);
    return c.every((v) => {
      for (let w = 0; w < S; w++) if (P[v * S + w] > 0 && !inC.has(w)) return false;
      return true;
    });
  });
}

/** Stationary distribution of an irreducible chain restricted to `states`: solve νᵀ(P − I) = 0, Σν = 1. */
function stationaryOnClass(P: Float64Array, S: number, states: number[]): Float64Array {
  const n = states.length;
  const M = new Float64Array(n * n);
  const b = new Float64Array(n);
  // Rows of the system: (Pᵀ − I)ν = 0 for all but the last, then Σν = 1.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = P[states[j] * S + states[i]] - (i === j ? 1 : 0);
  for (let j = 0; j < n; j++) M[(n - 1) * n + j] = 1;
  b[n - 1] = 1;
  const nu = solve(M, b, n);
  for (let i = 0; i < n; i++) nu[i] = Math.max(0, nu[i]);
  const total = nu.reduce((x, y) => x + y, 0);
  return nu.map((x) => x / total);
}

/**
 * ν for a state chain P ∈ [S, S] (SPEC §1). Irreducible: the unique stationary distribution.
 * Otherwise: the Cesàro limit lim (1/n)Σ_t μ₀Pᵗ from μ₀ uniform = Σ_C P(absorbed in C)·ν_C over
 * the closed classes C, with absorption probabilities from a linear solve.
 */
export function stationaryOfChain(P: Float64Array, S: number): { nu: Float64Array; kind: StationaryKind } {
  const classes = closedClasses(P, S);
  if (classes.length === 1 && classes[0].length === S) return { nu: stationaryOnClass(P, S, classes[0]), kind: "unique-stationary" };
  const classOf = new Int32Array(S).fill(-1);
  classes.forEach((c, k) => c.forEach((s) => (classOf[s] = k)));
  const transient = Array.from({ length: S }, (_, s) => s).filter((s) => classOf[s] < 0);
  const n = transient.length;
  // Absorption probabilities B[i, k] from transient state i into class k: (I − P_TT) B = P_TC.
  const absorb: Float64Array[] = classes.map(() => new Float64Array(n));
  if (n > 0) {
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = (i === j ? 1 : 0) - P[transient[i] * S + transient[j]];
    classes.forEach((c, k) => {
      const rhs = new Float64Array(n);
      for (let i = 0; i < n; i++) for (const s of c) rhs[i] += P[transient[i] * S + s];
      absorb[k] = solve(M, rhs, n);
    });
  }
  const nu = new Float64Array(S);
  classes.forEach((c, k) => {
    // Mass reaching class k from μ₀ uniform: its own states, plus transient states absorbed into it.
    let mass = c.length / S;
    for (let i = 0; i < n; i++) mass += absorb[k][i] / S;
    const local = stationaryOnClass(P, S, c);
    c.forEach((s, i) => (nu[s] += mass * local[i]));
  });
  return { nu, kind: "cesaro-limit-from-uniform" };
}

/** ν_π: stationary state distribution of P^π (SPEC §1). */
export function stationaryDistribution(mdp: FiniteMdp, pi: Policy): { nu: Float64Array; kind: StationaryKind } {
  return stationaryOfChain(policyChain(mdp, pi).transitions, mdp.states);
}

/** σ_π(s, a) = ν_π(s) π(a|s): [S, A]. */
export function stateActionDistribution(mdp: FiniteMdp, nu: Float64Array, pi: Policy): Float64Array {
  const A = mdp.actions;
  return pi.map((p, j) => nu[Math.floor(j / A)] * p);
}

/** σ̃ = ν × π_0 (state from ν, action uniform): [S, A]. */
export function auxiliaryDistribution(mdp: FiniteMdp, nu: Float64Array): Float64Array {
  return stateActionDistribution(mdp, nu, uniformPolicy(mdp));
}

/** Greedy deterministic policy; ties (within `tol`) go to the lowest action index. */
export function greedyPolicy(mdp: FiniteMdp, Q: Float64Array, tol = 1e-12): Policy {
  const { states: S, actions: A } = mdp;
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) pi[s * A + greedyAction(Q, s, A, tol)] = 1;
  return pi;
}

function greedyAction(Q: Float64Array, s: number, A: number, tol: number): number {
  let best = 0;
  for (let a = 1; a < A; a++) if (Q[s * A + a] > Q[s * A + best] + tol) best = a;
  return best;
}

export interface OptimalSolution {
  policy: Policy;
  Q: Float64Array;
  V: Float64Array;
  nu: Float64Array;
  nuKind: StationaryKind;
  iterations: number;
}

/**
 * π* by policy iteration from "action 0 everywhere": an action changes only when another is
 * better by more than `tol` (so float noise cannot make it cycle), and among those the lowest
 * index wins, so the result is deterministic.
 */
export function optimalPolicy(mdp: FiniteMdp, tol = 1e-12): OptimalSolution {
  const { states: S, actions: A } = mdp;
  const action = new Int32Array(S);
  const toPolicy = () => {
    const pi = new Float64Array(S * A);
    for (let s = 0; s < S; s++) pi[s * A + action[s]] = 1;
    return pi;
  };
  for (let it = 1; it <= 10_000; it++) {
    const { Q } = evaluatePolicy(mdp, toPolicy());
    let changed = false;
    for (let s = 0; s < S; s++) {
      const g = greedyAction(Q, s, A, tol);
      if (Q[s * A + g] > Q[s * A + action[s]] + tol) {
        action[s] = g;
        changed = true;
      }
    }
    if (!changed) {
      const policy = toPolicy();
      const { Q: Qs, V } = evaluatePolicy(mdp, policy);
      const { nu, kind } = stationaryDistribution(mdp, policy);
      return { policy, Q: Qs, V, nu, nuKind: kind, iterations: it };
    }
  }
  throw new Error("policy iteration did not converge in 10000 iterations");
}

/** V* by value iteration (a cross-check of policy iteration): until ‖ΔV‖_∞ ≤ tol. */
export function valueIteration(mdp: FiniteMdp, tol = 1e-13): Float64Array {
  const { states: S, actions: A } = mdp;
  let V = new Float64Array(S);
  for (let it = 0; it < 1_000_000; it++) {
    const Q = qFromV(mdp, V);
    const next = new Float64Array(S);
    let delta = 0;
    for (let s = 0; s < S; s++) {
      let m = -Infinity;
      for (let a = 0; a < A; a++) m = Math.max(m, Q[s * A + a]);
      next[s] = m;
      delta = Math.max(delta, Math.abs(m - V[s]));
    }
    V = next;
    if (delta <= tol * (1 - mdp.gamma)) return V;
  }
  throw new Error("value iteration did not converge");
}

/** L(π) = E_{s∼ν*}[V^π(s)] (SPEC §1). */
export function objective(V: Float64Array, nuStar: Float64Array): number {
  let s = 0;
  for (let i = 0; i < V.length; i++) s += nuStar[i] * V[i];
  return s;
}

/** Energy-based policy π(a|s) ∝ exp(f(s,a)/τ), stable: the max over a is subtracted first. */
export function energyPolicy(mdp: FiniteMdp, f: Float64Array, tau = 1): Policy {
  if (!(tau > 0)) throw new RangeError(`tau must be > 0, got ${tau}`);
  const { states: S, actions: A } = mdp;
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, f[s * A + a] / tau);
    let z = 0;
    for (let a = 0; a < A; a++) z += pi[s * A + a] = Math.exp(f[s * A + a] / tau - m);
    for (let a = 0; a < A; a++) pi[s * A + a] /= z;
  }
  return pi;
}

/** KL(p‖q) = Σ_a p_a log(p_a/q_a), with 0·log 0 = 0; +∞ when q_a = 0 < p_a. */
export function kl(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let a = 0; a < p.length; a++) if (p[a] > 0) s += q[a] > 0 ? p[a] * Math.log(p[a] / q[a]) : Infinity;
  return s;
}

/** χ²(p‖q) = Σ_a (p_a − q_a)²/q_a; terms with p_a = q_a = 0 are 0, and p_a > q_a = 0 gives +∞. */
export function chiSquare(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let a = 0; a < p.length; a++) if (p[a] !== q[a]) s += q[a] > 0 ? (p[a] - q[a]) ** 2 / q[a] : Infinity;
  return s;
}

/** Row s of a [S, A] array. */
export function row(x: Float64Array, s: number, A: number): Float64Array {
  return x.subarray(s * A, (s + 1) * A);
}

/**
 * The ideal (infinite-dimensional) update of Prop. 3.1 (NeurIPS numbering):
 * π_{k+1} ∝ exp{β_k^{-1} Q + E_k}, where π_k ∝ exp(E_k) (E_k = τ_k^{-1} f_θk). It maximises
 * E_ν[⟨Q(s,·), π(·|s)⟩ − β_k KL(π(·|s) ‖ π_k(·|s))] state by state. Returns the new energy too.
 */
export function idealUpdate(mdp: FiniteMdp, Q: Float64Array, energy: Float64Array, betaK: number): { energy: Float64Array; policy: Policy } {
  if (!(betaK > 0)) throw new RangeError(`betaK must be > 0, got ${betaK}`);
  const next = energy.map((e, j) => e + Q[j] / betaK);
  return { energy: next, policy: energyPolicy(mdp, next) };
}

/** Σ_s ν*(s)²/ν_k(s) · w(s): the Radon–Nikodym second moment behind every coefficient of SPEC §5. */
function weightedRatio(nuStar: Float64Array, nuK: Float64Array, w: (s: number) => number): number {
  let total = 0;
  for (let s = 0; s < nuStar.length; s++) if (nuStar[s] > 0) total += (nuStar[s] ** 2 / nuK[s]) * w(s);
  return total;
}

/** φ*_k = (|A| Σ_s ν*(s)²/ν_k(s) ‖π*(·|s) − π_k(·|s)‖²₂)^{1/2} (SPEC §5, Lemma 4.7). */
export function phiStar(mdp: FiniteMdp, nuStar: Float64Array, piStar: Policy, nuK: Float64Array, piK: Policy): number {
  const A = mdp.actions;
  return Math.sqrt(A * weightedRatio(nuStar, nuK, (s) => {
    let d = 0;
    for (let a = 0; a < A; a++) d += (piStar[s * A + a] - piK[s * A + a]) ** 2;
    return d;
  }));
}

/** ψ*_k = (Σ_s ν*(s)²/ν_k(s) χ²(π*(·|s) ‖ π_k(·|s)))^{1/2} (SPEC §5, Lemma 4.7). */
export function psiStar(mdp: FiniteMdp, nuStar: Float64Array, piStar: Policy, nuK: Float64Array, piK: Policy): number {
  const A = mdp.actions;
  return Math.sqrt(weightedRatio(nuStar, nuK, (s) => chiSquare(row(piStar, s, A), row(piK, s, A))));
}

/** ϕ*_k = (Σ_s ν*(s)²/ν_k(s))^{1/2} (SPEC §5, revision's Lemma 4.8). */
export function varphiStar(nuStar: Float64Array, nuK: Float64Array): number {
  return Math.sqrt(weightedRatio(nuStar, nuK, () => 1));
}

/**
 * M = 2 E_{ν*}[max_a u_{α(0)}(s,a)²] + 2R_f² (SPEC §5), for one replica's network values at
 * the initialisation `u0` ∈ [S, A].
 */
export function energyConstantM(mdp: FiniteMdp, nuStar: Float64Array, u0: Float64Array, radiusF: number): number {
  const { states: S, actions: A } = mdp;
  let e = 0;
  for (let s = 0; s < S; s++) {
    let m = 0;
    for (let a = 0; a < A; a++) m = Math.max(m, u0[s * A + a] ** 2);
    e += nuStar[s] * m;
  }
  return 2 * e + 2 * radiusF ** 2;
}
