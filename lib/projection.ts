/**
 * Projection onto the single l2 ball of radius R around the initialisation, per replica
 * (SPEC §2; Alg. 2 and 3, NeurIPS numbering):
 *
 *   Π(α') = α(0) + (α' − α(0)) · min{1, R / ‖α' − α(0)‖₂},   the norm taken over all m·d entries.
 *
 * Layout: α, α(0) ∈ [R, m, d] flattened; each replica is one block of m·d entries.
 */

/** ‖α − α(0)‖₂ for every replica: [R]. */
export function distanceFromInit(alpha: Float64Array, alpha0: Float64Array, replicas: number): Float64Array {
  if (alpha.length !== alpha0.length || alpha.length % replicas !== 0) {
    throw new RangeError(`alpha (${alpha.length}) and alpha0 (${alpha0.length}) must have equal length divisible by replicas (${replicas})`);
  }
  const block = alpha.length / replicas;
  const out = new Float64Array(replicas);
  for (let r = 0; r < replicas; r++) {
    let s = 0;
    for (let j = r * block; j < (r + 1) * block; j++) {
      const diff = alpha[j] - alpha0[j];
      s += diff * diff;
    }
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Π_R(α) for every replica; returns a new array. `radius` R > 0. */
export function projectBall(alpha: Float64Array, alpha0: Float64Array, replicas: number, radius: number): Float64Array {
  if (!(radius > 0) || !Number.isFinite(radius)) throw new RangeError(`radius must be > 0 and finite, got ${radius}`);
  const norms = distanceFromInit(alpha, alpha0, replicas);
  const block = alpha.length / replicas;
  const out = new Float64Array(alpha.length);
  for (let r = 0; r < replicas; r++) {
    const scale = norms[r] > radius ? radius / norms[r] : 1;
    for (let j = r * block; j < (r + 1) * block; j++) out[j] = scale === 1 ? alpha[j] : alpha0[j] + (alpha[j] - alpha0[j]) * scale;
  }
  return out;
}
