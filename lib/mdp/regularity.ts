/**
 * Assumption 4.4 (NeurIPS numbering), regularity of σ_π: E_{σ}[1{|zᵀx| ≤ ζ}] ≤ c·ζ/‖z‖₂ for every
 * z and ζ > 0. On a finite MDP it cannot hold (SPEC §4): a z orthogonal to one feature x(s,a)
 * makes the left side ≥ σ(s,a) for every ζ. The proofs use it with z = α_i(0), a Gaussian draw, so
 * what they need is the surrogate P_{x∼σ, z∼N(0, I/d)}(|zᵀx| ≤ ζ‖z‖) ≤ c·ζ: its constant is measured
 * here on the units of an initialisation, beside its value for unit features in R^d.
 */
import type { NetworkInit } from "../network";

/**
 * The surrogate's constant for unit features in R^d: zᵀx/‖z‖ is one coordinate of a uniform
 * point of S^{d−1}, with density Γ(d/2)/(√π Γ((d−1)/2))·(1 − u²)^{(d−3)/2}, largest at u = 0
 * for d ≥ 3; so P(|u| ≤ ζ) ≤ 2·density(0)·ζ, whatever σ.
 */
export function regularityConstantLimit(dim: number): number {
  if (!Number.isInteger(dim) || dim < 3) throw new RangeError(`dim must be an integer >= 3, got ${dim}`);
  return (2 * Math.exp(logGamma(dim / 2) - logGamma((dim - 1) / 2))) / Math.sqrt(Math.PI);
}

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The measured surrogate constant of one replica, and the ζ where the sup is reached. */
export interface RegularityMeasurement {
  constant: number;
  zeta: number;
}

/**
 * sup over ζ ∈ `zetas` of (1/m)·Σ_i Σ_j σ_j·1{|α_i(0)ᵀx_j| ≤ ζ‖α_i(0)‖}/ζ for each replica of `init`
 * (features X ∈ [N, d] with unit rows, σ ∈ [N]). A finite ζ range is needed: with finitely many
 * units the empirical law has atoms, and the ratio at ζ below the smallest |cos| is 0, just above
 * it arbitrary. Default ζ: 40 points log-spaced over [0.01, 1].
 */
export function regularityConstant(init: NetworkInit, features: Float64Array, sigma: Float64Array, zetas: number[] = Array.from({ length: 40 }, (_, k) => 0.01 * 100 ** (k / 39))): RegularityMeasurement[] {
  const { replicas: R, width: m, dim: d, alpha0 } = init;
  const N = features.length / d;
  if (sigma.length !== N) throw new RangeError(`sigma must have length N = ${N}, got ${sigma.length}`);
  const out: RegularityMeasurement[] = [];
  for (let r = 0; r < R; r++) {
    const cosines: { c: number; w: number }[] = [];
    for (let i = 0; i < m; i++) {
      const base = (r * m + i) * d;
      let norm = 0;
      for (let k = 0; k < d; k++) norm += alpha0[base + k] ** 2;
      norm = Math.sqrt(norm);
      for (let j = 0; j < N; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += alpha0[base + k] * features[j * d + k];
        cosines.push({ c: Math.abs(dot) / norm, w: sigma[j] / m });
      }
    }
    let best = { constant: 0, zeta: zetas[0] };
    for (const zeta of zetas) {
      let mass = 0;
      for (const { c, w } of cosines) if (c <= zeta) mass += w;
      if (mass / zeta > best.constant) best = { constant: mass / zeta, zeta };
    }
    out.push(best);
  }
  return out;
}
