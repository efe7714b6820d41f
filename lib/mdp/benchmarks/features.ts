/**
 * The benchmarks' natural low-dimensional encoding (SPEC §1: ‖x‖ = 1, d ≥ 3): a state's
 * coordinates, scaled to [−1, 1], then the action one-hot and a constant 1, the whole vector
 * normalised. The constant and action parts fix the vector's direction apart from the
 * coordinates, so distinct pairs keep distinct unit vectors.
 */

/** Scale i ∈ {0, …, n−1} to [−1, 1] (0 when n = 1). */
export function centred(i: number, n: number): number {
  return n > 1 ? (2 * i) / (n - 1) - 1 : 0;
}

/** x(s, a) = normalise([coordinates(s), e_a, 1]) for every pair: [S, A, d], d = |coordinates| + A + 1. */
export function coordinateFeatures(states: number, actions: number, coordinates: (s: number) => number[]): { features: Float64Array; dim: number } {
  const c = coordinates(0).length;
  const dim = c + actions + 1;
  const features = new Float64Array(states * actions * dim);
  for (let s = 0; s < states; s++) {
    const xs = coordinates(s);
    if (xs.length !== c) throw new RangeError(`coordinates(${s}) has length ${xs.length}, expected ${c}`);
    for (let a = 0; a < actions; a++) {
      const v = [...xs, ...Array.from({ length: actions }, (_, b) => (b === a ? 1 : 0)), 1];
      const norm = Math.sqrt(v.reduce((t, x) => t + x * x, 0));
      features.set(v.map((x) => x / norm), (s * actions + a) * dim);
    }
  }
  return { features, dim };
}
