// AssemblyScript source of the WebAssembly SIMD kernel of Algorithms 2 and 3 (NeurIPS
// numbering), compiled at install time by scripts/build-wasm.mjs into wasm/build/kernel.wasm
// and driven by lib/solvers/wasm-kernel.ts; the portable twin of the native kernel
// (native/kernel.c), which mirrors it. Same samples and same mathematics as the reference loop
// (lib/solvers/reference.ts), with two exact rewritings that remove the full passes over the
// m·d parameters that the reference makes at every step:
//
// 1. Lazy projection. θ(t) = α(0) + κ_t·D_t with a scalar κ. A step changes D only on the
//    units active at x_j; ‖D‖² is updated from the dot products the forward pass already
//    computed; the projection multiplies κ by R/‖θ(t+½) − α(0)‖. (‖D‖² is recomputed exactly
//    every `resyncEvery` steps so rounding cannot accumulate.)
// 2. Lazy path average. With D_t = Σ_{i≤t} u_i and K_t = Σ_{s≤t} κ_s,
//    Σ_{t<T} κ_t D_t = K_{T−1}·D_{T−1} − Σ_{i<T} K_{i−1}·u_i, so the sum is kept by adding
//    K_{i−1}·u_i to an accumulator B on the same sparse units. θ̄ = α(0) + (K·D − B)/T.
//    K·D − B cancels in proportion to 1/κ (D grows as κ shrinks), so once κ < kappaFloor
//    (1e-2) the displacement is folded back (D ← κD, κ ← 1) with the partial sum banked
//    first: the cancellation costs at most two digits, and a fold (one pass) happens at most
//    every ~log(100)/log(1/shrink) steps, only while the projection is active.
//
// Per step and replica this costs about 3·m·d multiply-adds for SGD (α(0)ᵀx, Dᵀx, and the
// update of D and B on active units), against ~4.5·m·d for the reference. One call solves one
// replica; lib/solvers/wasm-kernel.ts lays out the memory and loops over replicas.

@inline function ld(p: usize): v128 { return v128.load(p); }
@inline function st(p: usize, v: v128): void { v128.store(p, v); }

// solveF32: the algorithm in float32, four units per instruction (f32x4). Layout "AoSoA"
// [m/4][d][4] (unit quads, each quad's d coordinates contiguous), so every array is one
// sequential stream (a [d][m] layout put 16 streams a multiple of 4 KiB apart once m ≥ 512:
// L1 set conflicts made it 3.5× slower per unit).
// What stays float64: x_j, ‖x_j‖², targets and rewards; the residual, κ, K and ‖D‖²; and
// the bank of the path average, into which K·D − B is folded every `resyncEvery` steps (so
// the float32 accumulator B never sums more than resyncEvery terms) as well as whenever
// κ < kappaFloor. Outputs are displacements in float64: (θ̄ − α(0)) and (θ(T−1) − α(0));
// the caller adds α(0) in float64, so the float32 copy of α(0) only affects the dynamics.
//
// Memory (byte offsets, 16-aligned): a0, D, B: f32 [m/4][d][4]; banked, outBar, outLast:
// f64 [m/4][d][4]; b, a0x, dx: f32 [m]; X: f64 [N][d]; xx: f64 [N]; pairs, next: i32 [T];
// y: f64 [N]; xs: 2d f32x4 scratch. m is a multiple of 4 (padded with b_i = 0 units).

@inline function hsum4(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** banked (f64) += K·D − B (both f32, widened first); B ← 0; D ← scaleD·D. */
@inline function bankF32(D: usize, B: usize, banked: usize, n: i32, K: f64, scaleD: f32): void {
  const Kd = f64x2.splat(K);
  const zero = f32x4.splat(0);
  const sD = f32x4.splat(scaleD);
  for (let e = 0; e < n; e += 4) {
    const o4 = <usize>e << 2;
    const o8 = <usize>e << 3;
    const dv = ld(D + o4);
    const bv = ld(B + o4);
    const dHi = v128.shuffle<f32>(dv, dv, 2, 3, 0, 1);
    const bHi = v128.shuffle<f32>(bv, bv, 2, 3, 0, 1);
    st(banked + o8, f64x2.add(ld(banked + o8), f64x2.sub(f64x2.mul(Kd, f64x2.promote_low_f32x4(dv)), f64x2.promote_low_f32x4(bv))));
    st(banked + o8 + 16, f64x2.add(ld(banked + o8 + 16), f64x2.sub(f64x2.mul(Kd, f64x2.promote_low_f32x4(dHi)), f64x2.promote_low_f32x4(bHi))));
    st(B + o4, zero);
    st(D + o4, f32x4.mul(dv, sD));
  }
}

export function solveF32(
  a0: usize, D: usize, B: usize, banked: usize, b: usize, a0x: usize, dx: usize, xs: usize,
  X: usize, xx: usize, pairs: usize, next: usize, y: usize, outBar: usize, outLast: usize,
  m: i32, d: i32, T: i32, eta: f64, c: f64, radius: f64, gamma: f64, isTd: i32, kappaFloor: f64, resyncEvery: i32,
): i32 {
  const md = m * d;
  const quadBytes = <usize>d << 4; // one unit quad: d coordinates × 4 lanes × 4 bytes
  memory.fill(D, 0, <usize>md << 2);
  memory.fill(B, 0, <usize>md << 2);
  memory.fill(banked, 0, <usize>md << 3);
  const zero = f32x4.splat(0);
  let kappa: f64 = 1;
  let K: f64 = 0;
  let sq: f64 = 0;
  let projections: i32 = 0;
  for (let t = 0; t < T; t++) {
    K += kappa;
    if (t == T - 1) break; // θ(T) is not part of the average
    const j = load<i32>(pairs + (<usize>t << 2));
    const xo = X + (<usize>(j * d) << 3);
    const jn = isTd ? load<i32>(next + (<usize>t << 2)) : 0;
    const xno = X + (<usize>(jn * d) << 3);
    const kap = f32x4.splat(<f32>kappa);
    for (let k = 0; k < d; k++) {
      st(xs + (<usize>k << 4), f32x4.splat(<f32>load<f64>(xo + (<usize>k << 3))));
      st(xs + (<usize>(d + k) << 4), f32x4.splat(<f32>load<f64>(xno + (<usize>k << 3))));
    }
    const xsn = xs + (<usize>d << 4);
    let uAcc = zero;
    let vAcc = zero;
    if (isTd) {
      for (let i = 0, pb: usize = 0; i < m; i += 4, pb += quadBytes) {
        let za = zero;
        let zd = zero;
        let zn = zero;
        for (let k = 0, p = pb, q: usize = 0; k < d; k++, p += 16, q += 16) {
          const av = ld(a0 + p);
          const dv = ld(D + p);
          const xk = ld(xs + q);
          za = f32x4.add(za, f32x4.mul(av, xk));
          zd = f32x4.add(zd, f32x4.mul(dv, xk));
          zn = f32x4.add(zn, f32x4.mul(f32x4.add(av, f32x4.mul(kap, dv)), ld(xsn + q)));
        }
        const io = <usize>i << 2;
        st(a0x + io, za);
        st(dx + io, zd);
        const bv = ld(b + io);
        uAcc = f32x4.add(uAcc, f32x4.mul(bv, f32x4.max(f32x4.add(za, f32x4.mul(kap, zd)), zero)));
        vAcc = f32x4.add(vAcc, f32x4.mul(bv, f32x4.max(zn, zero)));
      }
    } else {
      for (let i = 0, pb: usize = 0; i < m; i += 4, pb += quadBytes) {
        let za = zero;
        let zd = zero;
        for (let k = 0, p = pb, q: usize = 0; k < d; k++, p += 16, q += 16) {
          const xk = ld(xs + q);
          za = f32x4.add(za, f32x4.mul(ld(a0 + p), xk));
          zd = f32x4.add(zd, f32x4.mul(ld(D + p), xk));
        }
        const io = <usize>i << 2;
        st(a0x + io, za);
        st(dx + io, zd);
        uAcc = f32x4.add(uAcc, f32x4.mul(ld(b + io), f32x4.max(f32x4.add(za, f32x4.mul(kap, zd)), zero)));
      }
    }
    const u = c * hsum4(uAcc);
    let target: f64;
    if (isTd) target = (1 - gamma) * load<f64>(y + (<usize>j << 3)) + gamma * c * hsum4(vAcc);
    else target = load<f64>(y + (<usize>j << 3));
    const residual = u - target;
    if (!isFinite(residual)) return -1 - t;
    const scale = f32x4.splat(<f32>((-eta * residual * c) / kappa));
    const xxj = f32x4.splat(<f32>load<f64>(xx + (<usize>j << 3)));
    const Kv = f32x4.splat(<f32>K);
    const two = f32x4.splat(2);
    let sqAcc = zero;
    for (let i = 0, pb: usize = 0; i < m; i += 4, pb += quadBytes) {
      const io = <usize>i << 2;
      const dv2 = ld(dx + io);
      const active = f32x4.gt(f32x4.add(ld(a0x + io), f32x4.mul(kap, dv2)), zero);
      if (!v128.any_true(active)) continue;
      const s = v128.and(f32x4.mul(scale, ld(b + io)), active);
      sqAcc = f32x4.add(sqAcc, f32x4.add(f32x4.mul(two, f32x4.mul(s, dv2)), f32x4.mul(f32x4.mul(s, s), xxj)));
      const sK = f32x4.mul(s, Kv);
      for (let k = 0, p = pb, q: usize = 0; k < d; k++, p += 16, q += 16) {
        const xk = ld(xs + q);
        st(D + p, f32x4.add(ld(D + p), f32x4.mul(s, xk)));
        st(B + p, f32x4.add(ld(B + p), f32x4.mul(sK, xk)));
      }
    }
    sq += hsum4(sqAcc);
    if ((t + 1) % resyncEvery == 0) {
      // Exact ‖D‖² (float64 sum of widened squares), and the partial average banked in float64.
      let acc = f64x2.splat(0);
      for (let e = 0; e < md; e += 4) {
        const dv = ld(D + (<usize>e << 2));
        const lo = f64x2.promote_low_f32x4(dv);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(dv, dv, 2, 3, 0, 1));
        acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
      }
      sq = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      bankF32(D, B, banked, md, K, 1);
      K = 0;
    }
    const dist = kappa * Math.sqrt(sq > 0 ? sq : 0);
    if (dist > radius * (1 + 1e-12)) { // PROJECTION_TOLERANCE of lib/solvers/problem.ts
      projections++;
      kappa *= radius / dist;
    }
    if (kappa < kappaFloor) {
      bankF32(D, B, banked, md, K, <f32>kappa);
      sq *= kappa * kappa;
      K = 0;
      kappa = 1;
    }
  }
  const Kd = f64x2.splat(K);
  const kd = f64x2.splat(kappa);
  const invT = f64x2.splat(1 / <f64>T);
  for (let e = 0; e < md; e += 4) {
    const o4 = <usize>e << 2;
    const o8 = <usize>e << 3;
    const dv = ld(D + o4);
    const bv = ld(B + o4);
    const dLo = f64x2.promote_low_f32x4(dv);
    const dHi = f64x2.promote_low_f32x4(v128.shuffle<f32>(dv, dv, 2, 3, 0, 1));
    const bLo = f64x2.promote_low_f32x4(bv);
    const bHi = f64x2.promote_low_f32x4(v128.shuffle<f32>(bv, bv, 2, 3, 0, 1));
    st(outBar + o8, f64x2.mul(f64x2.sub(f64x2.add(ld(banked + o8), f64x2.mul(Kd, dLo)), bLo), invT));
    st(outBar + o8 + 16, f64x2.mul(f64x2.sub(f64x2.add(ld(banked + o8 + 16), f64x2.mul(Kd, dHi)), bHi), invT));
    st(outLast + o8, f64x2.mul(kd, dLo));
    st(outLast + o8 + 16, f64x2.mul(kd, dHi));
  }
  return projections;
}
