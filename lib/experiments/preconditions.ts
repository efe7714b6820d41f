/**
 * The theory's preconditions, checked on a config before it runs. Breaking one is allowed
 * (that is how one sees what the theorems need), so these are warnings, not errors:
 * T < 64 (Thm 4.5), T < 64/(1−γ)² (Thm 4.6; TD inside neural PPO too), R_f < R_Q (Alg. 1),
 * m·d < |S||A| (Φ₀ cannot have full row rank, Assumption 4.3 fails for some Q), and a fixed
 * radius below the realizability radius of the exact target (SPEC §4).
 */
import { evaluatePolicy, optimalPolicy, uniformPolicy } from "../mdp/exact";
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
