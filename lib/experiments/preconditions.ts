/**
 * The theory's preconditions, checked on a config before it runs. Breaking one is allowed
 * (that is how one sees what the theorems need), so these are warnings, not errors:
 * T < 64 (Thm 4.5), T < 64/(1−γ)² (Thm 4.6; TD inside neural PPO too), R_f < R_Q (Alg. 1),
 * m·d < |S||A| (Φ₀ cannot have full row rank, Assumption 4.3 fails for some Q), and a fixed
 * radius below the realizability radius of the exact target (SPEC §4), and a β so large
 * against the scale of Q that the policy barely moves (SPEC §9's β*).
 */
import { energyPolicy, evaluatePolicy, kl, optimalPolicy, row, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";
import { minimumRadius, realizabilityBasis } from "../mdp/realizability";
import { initNetwork, InitScheme } from "../network";
import { algorithmStream } from "../random";
import { loadMdpInput } from "./mdp-input";

interface Checked {
  mdp: string;
  widths?: number[];
  iterations?: number[] | number;
  radius?: number | { realizabilityMultiple: number };
  radiusF?: number;
  radiusQ?: number;
  gamma?: number;
  seed?: number;
  replicas?: number;
  init?: InitScheme;
  beta?: number;
  horizons?: number[];
}

/** The largest Φ₀ (entries) the radius check builds before a run; above, it says it did not check. */
const MAX_CHECKED_BASIS = 2e7;

/** Below this, K first steps of exact PPO move the policy by a negligible KL in total. */
export const NEGLIGIBLE_KL = 1e-3;

/**
 * β against the scale of Q (SPEC §9): exact PPO's first step is π_1 ∝ π_0 exp(Q^{π0}/β_0),
 * β_0 = β√K, so its KL from π_0 shrinks like (span Q/β)²/K. A warning when K such steps would
 * move the policy by less than NEGLIGIBLE_KL under ν_{π0}, with the Hoeffding bound's best
 * β* = √(S̄₀/(8 log|A|)), S̄₀ = E_{ν*}[span_a Q^{π0}(s,·)²] (S̄ at π_0).
 */
export function betaScaleWarning(mdp: FiniteMdp, beta: number, horizons: number[]): string | null {
  const { states: S, actions: A } = mdp;
  if (A < 2 || horizons.length === 0) return null;
  const pi0 = uniformPolicy(mdp);
  const { Q } = evaluatePolicy(mdp, pi0);
  const nu0 = stationaryDistribution(mdp, pi0).nu;
  const nuStar = optimalPolicy(mdp).nu;
  const K = Math.max(...horizons);
  const pi1 = energyPolicy(mdp, Q.map((q) => q / (beta * Math.sqrt(K))));
  let step = 0;
  let spanSq = 0;
  for (let st = 0; st < S; st++) {
    step += nu0[st] * kl(row(pi1, st, A), row(pi0, st, A));
    const q = row(Q, st, A);
    spanSq += nuStar[st] * (Math.max(...q) - Math.min(...q)) ** 2;
  }
  if (K * step >= NEGLIGIBLE_KL) return null;
  const betaStar = Math.sqrt(spanSq / (8 * Math.log(A)));
  return `beta = ${beta}: exact PPO's first step at K = ${K} moves π_0 by KL ${step.toExponential(2)} (K steps ≈ ${(K * step).toExponential(2)} < ${NEGLIGIBLE_KL}), so the policy barely moves; Q^π0's span is ${Math.sqrt(spanSq).toPrecision(3)} on average (rewards scaled by 1−γ), and the Hoeffding bound's best β is β* ≈ √(S̄₀/(8 log|A|)) = ${betaStar.toPrecision(3)} (SPEC §9)`;
}

/** Warnings for an `improvement`, `evaluation` or `convergence` config (already validated). */
export function preconditionWarnings(experiment: string, config: Checked): string[] {
  if (!["improvement", "evaluation", "convergence"].includes(experiment)) return [];
  const { mdp } = loadMdpInput(config.mdp);
  const gamma = config.gamma ?? mdp.gamma;
  const N = mdp.states * mdp.actions;
  const d = mdp.dim ?? 0;
  const Ts = Array.isArray(config.iterations) ? config.iterations : config.iterations === undefined ? [] : [config.iterations];
  const out: string[] = [];
  const tdMin = 64 / (1 - gamma) ** 2;
  for (const T of Ts) {
    if (experiment === "improvement" && T < 64) out.push(`iterations T = ${T} < 64: outside Thm 4.5's range (T ≥ 64)`);
    if (experiment !== "improvement" && T < tdMin) out.push(`iterations T = ${T} < 64/(1−γ)² = ${tdMin.toPrecision(4)}: outside Thm 4.6's range`);
  }
  if (experiment === "convergence" && config.beta !== undefined && config.horizons) {
    const w = betaScaleWarning({ ...mdp, gamma }, config.beta, config.horizons);
    if (w) out.push(w);
  }
  if (config.radiusF !== undefined && config.radiusQ !== undefined && config.radiusF < config.radiusQ) out.push(`radiusF = ${config.radiusF} < radiusQ = ${config.radiusQ}: Alg. 1 needs R_f ≥ R_Q`);
  // Without features the experiment itself refuses the MDP; a width warning would only precede that error.
  for (const m of mdp.features ? config.widths ?? [] : []) {
    if (m * d < N) out.push(`width m = ${m}: m·d = ${m * d} < |S||A| = ${N}, so Φ₀ is rank-deficient and Assumption 4.3 cannot hold for every Q`);
  }
  // A fixed radius against the radius the exact targets need (one initialisation per width).
  const fixed = experiment === "convergence" ? config.radiusQ : typeof config.radius === "number" ? config.radius : undefined;
  if (fixed !== undefined && mdp.features && d > 0) {
    const mdpG = { ...mdp, gamma };
    const targets = [evaluatePolicy(mdpG, uniformPolicy(mdpG)).Q, optimalPolicy(mdpG).Q];
    for (const m of config.widths ?? []) {
      if (m * d < N) continue;
      if (m * d * N > MAX_CHECKED_BASIS) {
        out.push(`radius ${fixed} at m = ${m}: not checked against the realizability radius (Φ₀ would have ${(m * d * N).toExponential(1)} entries)`);
        continue;
      }
      try {
        const basis = realizabilityBasis(initNetwork(algorithmStream(config.seed ?? 0).split(`width:${m}`), { replicas: 1, width: m, dim: d }, config.init), mdp.features);
        const need = Math.max(...targets.map((q) => minimumRadius(basis, q)[0]));
        if (fixed < need) out.push(`radius ${fixed} at m = ${m} is below the ${need.toPrecision(3)} that Q^π0 and Q^π* need (Assumption 4.3)`);
      } catch {
        out.push(`width m = ${m}: Φ₀ is singular for the first initialisation, so no radius realizes every target`);
      }
    }
  }
  return out;
}

/**
 * The warnings of several configs of one experiment, each distinct warning once (configs that
 * share T, widths or radii break the same precondition), in order of first appearance.
 */
export function preconditionWarningsOnce(experiment: string, configs: Checked[]): string[] {
  return [...new Set(configs.flatMap((c) => preconditionWarnings(experiment, c)))];
}

/** Print `precondition: …` once per distinct warning of `configs` (a notebook's parameter cell). */
export function printPreconditionWarnings(experiment: string, configs: Checked[], print: (line: string) => void = console.log): void {
  for (const w of preconditionWarningsOnce(experiment, configs)) print(`precondition: ${w}`);
}
