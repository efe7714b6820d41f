/*
 * Native float32 kernel of Algorithms 2 (projected SGD) and 3 (projected TD(0)), NeurIPS
 * numbering: the same lazy-projection, lazy-average algorithm as the WebAssembly kernel's
 * solveF32 (wasm/kernel.ts, whose header derives it from the plain loop), compiled
 * for the CPU of the machine it runs on when `npm install` runs (scripts/build-native.mjs)
 * and loaded as a Node-API addon by lib/solvers/native-kernel.ts.
 *
 * Mirrored from solveF32, so that both agree to float32 rounding with the same projection
 * counts: θ(t) = α(0) + κ·D with a scalar κ; the path average from K·D − B; float32 for α(0),
 * D, B, b, the per-unit dot products and x_j; float64 for the residual, κ, K, ‖D‖² and the bank
 * of the path average, into which K·D − B is folded every `resyncEvery` steps and whenever
 * κ < kappaFloor; α(0) is added back to the outputs in float64.
 *
 * Vectors are GCC/Clang vector extensions of L = 16 float32 lanes (one AVX-512 register, two
 * AVX2 or four SSE/NEON ones: the compiler splits them), so the code names no instruction
 * set. Each lane is one unit; layout per replica [m/L][d][L] (a block of L units, its d
 * coordinates contiguous), m padded with units b_i = 0, α_i(0) = 0 that never move. Lane
 * arithmetic is element-wise in the order written and cross-lane sums run in a fixed order,
 * and the build passes -ffp-contract=off and no -ffast-math, so the result is the same on
 * every CPU and compiler, whatever the vector width.
 *
 * Threads (OpenMP) run whole replicas, each on its own scratch memory: a replica's arithmetic
 * does not depend on the thread count, so any number of threads is bit-identical to one.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

#define L 16
typedef float vf __attribute__((vector_size(L * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(L * sizeof(int32_t))));

/** One solver call, all replicas. Shapes as in lib/solvers/problem.ts. */
struct problem {
  const double *alpha0;  /* α(0) [R, m, d] */
  const double *b;       /* b [R, m] */
  const double *X;       /* x(s, a) [N, d] */
  const double *y;       /* regression targets [R, N], or rewards r(s, a) [N] for TD */
  const double *radius;  /* [R] */
  const int32_t *pairs;  /* j_t [R, T] */
  const int32_t *next;   /* j'_t [R, T] (TD only) */
  double *outBar;        /* θ̄ [R, m, d] */
  double *outLast;       /* θ(T−1) [R, m, d] */
  int32_t *status;       /* [R]: projections, or −1 − t when the residual of step t is not finite */
  double *xx;            /* ‖x_j‖² [N] */
  int R, m, d, N, T, isTd, resyncEvery;
  double eta, c, gamma, kappaFloor;
};

/** One thread's memory for one replica at a time. */
struct scratch {
  vf *a0, *D, *B;  /* [m/L][d] vectors */
  double *banked;  /* [m/L][d][L] */
  vf *b, *a0x, *dx; /* [m/L]: b_i, α_i(0)ᵀx_j, D_iᵀx_j */
  vf *xs;          /* [2d]: x_j and x'_j, each coordinate in every lane */
};

static double hsum(vf v) {
  double s = 0;
  for (int l = 0; l < L; l++) s += v[l];
  return s;
}

static vf relu(vf z) {
  const vf zero = {0};
  return (vf)((vi)z & (z > zero));
}

/** banked (float64) += K·D − B; B ← 0; D ← scaleD·D. n vectors. */
static void bank(vf *D, vf *B, double *banked, size_t n, double K, float scaleD) {
  const vf zero = {0};
  for (size_t e = 0; e < n; e++) {
    for (int l = 0; l < L; l++) banked[e * L + l] += K * (double)D[e][l] - (double)B[e][l];
    B[e] = zero;
    D[e] *= scaleD;
  }
}

/** Replica r: the projections, or −1 − t if the residual of step t is not finite. */
static int32_t solveReplica(const struct problem *p, int r, struct scratch *s) {
  const int m = p->m, d = p->d, N = p->N, T = p->T, nb = (m + L - 1) / L;
  const size_t nv = (size_t)nb * d;
  const vf zero = {0};
  vf *a0 = s->a0, *D = s->D, *B = s->B, *bv = s->b, *a0x = s->a0x, *dx = s->dx, *xs = s->xs;
  double *banked = s->banked;
  float *a0f = (float *)a0, *bf = (float *)bv;
  memset(a0, 0, nv * sizeof(vf));
  memset(bv, 0, nb * sizeof(vf));
  for (int i = 0; i < m; i++) {
    bf[i] = (float)p->b[(size_t)r * m + i];
    for (int q = 0; q < d; q++) a0f[((size_t)(i / L) * d + q) * L + i % L] = (float)p->alpha0[((size_t)r * m + i) * d + q];
  }
  memset(D, 0, nv * sizeof(vf));
  memset(B, 0, nv * sizeof(vf));
  memset(banked, 0, nv * L * sizeof(double));
  const int32_t *pairs = p->pairs + (size_t)r * T;
  const int32_t *next = p->isTd ? p->next + (size_t)r * T : NULL;
  const double *y = p->isTd ? p->y : p->y + (size_t)r * N;
  const double radius = p->radius[r];
  double kappa = 1, K = 0, sq = 0;
  int32_t projections = 0;
  for (int t = 0; t < T; t++) {
    K += kappa;
    if (t == T - 1) break; /* θ(T) is not part of the average */
    const int j = pairs[t];
    const double *x = p->X + (size_t)j * d;
    const double *xn = p->X + (size_t)(next ? next[t] : 0) * d;
    const float kap = (float)kappa;
    for (int k = 0; k < d; k++) {
      xs[k] = zero + (float)x[k];
      xs[d + k] = zero + (float)xn[k];
    }
    /* Pass 1: per unit α_i(0)ᵀx and D_iᵀx (and, for TD, the value at x' in the same sweep). */
    vf uAcc = zero, vAcc = zero;
    for (int g = 0; g < nb; g++) {
      const vf *av = a0 + (size_t)g * d, *dv = D + (size_t)g * d;
      vf za = zero, zd = zero;
      if (next) {
        vf zn = zero;
        for (int k = 0; k < d; k++) {
          za += av[k] * xs[k];
          zd += dv[k] * xs[k];
          zn += (av[k] + kap * dv[k]) * xs[d + k];
        }
        vAcc += bv[g] * relu(zn);
      } else {
        for (int k = 0; k < d; k++) {
          za += av[k] * xs[k];
          zd += dv[k] * xs[k];
        }
      }
      a0x[g] = za;
      dx[g] = zd;
      uAcc += bv[g] * relu(za + kap * zd);
    }
    const double u = p->c * hsum(uAcc);
    const double target = next ? (1 - p->gamma) * y[j] + p->gamma * p->c * hsum(vAcc) : y[j];
    const double residual = u - target;
    if (!isfinite(residual)) return -1 - t;
    /* Pass 2: D += s_i x and B += K s_i x on active units, s_i = −η·residual·c·b_i/κ; ‖D‖²
       updated from pass 1's D_iᵀx. Inactive lanes get s_i = 0, which leaves D and B as they are. */
    const float scale = (float)((-p->eta * residual * p->c) / kappa), xxj = (float)p->xx[j], Kf = (float)K;
    vf sqAcc = zero;
    for (int g = 0; g < nb; g++) {
      const vf sv = (vf)((vi)(scale * bv[g]) & (a0x[g] + kap * dx[g] > zero));
      sqAcc += 2 * (sv * dx[g]) + (sv * sv) * xxj;
      const vf sK = sv * Kf;
      vf *Dg = D + (size_t)g * d, *Bg = B + (size_t)g * d;
      for (int k = 0; k < d; k++) {
        Dg[k] += sv * xs[k];
        Bg[k] += sK * xs[k];
      }
    }
    sq += hsum(sqAcc);
    if ((t + 1) % p->resyncEvery == 0) {
      /* Exact ‖D‖² (float64 sum of widened squares), and the partial average banked in float64. */
      double acc = 0;
      for (size_t e = 0; e < nv; e++)
        for (int l = 0; l < L; l++) acc += (double)D[e][l] * (double)D[e][l];
      sq = acc;
      bank(D, B, banked, nv, K, 1);
      K = 0;
    }
    const double dist = kappa * sqrt(sq > 0 ? sq : 0);
    if (dist > radius * (1 + 1e-12)) { /* PROJECTION_TOLERANCE of lib/solvers/problem.ts */
      projections++;
      kappa *= radius / dist;
    }
    if (kappa < p->kappaFloor) {
      bank(D, B, banked, nv, K, (float)kappa);
      sq *= kappa * kappa;
      K = 0;
      kappa = 1;
    }
  }
  /* θ̄ = α(0) + (banked + K·D − B)/T and θ(T−1) = α(0) + κ·D, in float64, back in [m, d]. */
  const double invT = 1 / (double)T;
  for (int i = 0; i < m; i++) {
    for (int q = 0; q < d; q++) {
      const size_t o = ((size_t)r * m + i) * d + q, e = (size_t)(i / L) * d + q;
      const double dv = D[e][i % L];
      p->outBar[o] = p->alpha0[o] + (banked[e * L + i % L] + K * dv - (double)B[e][i % L]) * invT;
      p->outLast[o] = p->alpha0[o] + kappa * dv;
    }
  }
  return projections;
}

static void *alignedVectors(size_t count, size_t bytes) {
  size_t size = (count * bytes + 63) / 64 * 64;
  return aligned_alloc(64, size > 0 ? size : 64);
}

/** Solve every replica on `threads` threads; 0 on success, −1 when memory ran out. */
static int solveAll(const struct problem *p, int threads) {
  const int nb = (p->m + L - 1) / L;
  const size_t nv = (size_t)nb * p->d;
  int failed = 0;
#pragma omp parallel num_threads(threads) reduction(| : failed)
  {
    struct scratch s = {
      alignedVectors(nv, sizeof(vf)), alignedVectors(nv, sizeof(vf)), alignedVectors(nv, sizeof(vf)),
      alignedVectors(nv * L, sizeof(double)), alignedVectors(nb, sizeof(vf)), alignedVectors(nb, sizeof(vf)),
      alignedVectors(nb, sizeof(vf)), alignedVectors(2 * (size_t)p->d, sizeof(vf)),
    };
    const int ok = s.a0 && s.D && s.B && s.banked && s.b && s.a0x && s.dx && s.xs;
    failed |= !ok;
#pragma omp for schedule(dynamic, 1)
    for (int r = 0; r < p->R; r++)
      if (ok) p->status[r] = solveReplica(p, r, &s);
    free(s.a0), free(s.D), free(s.B), free(s.banked), free(s.b), free(s.a0x), free(s.dx), free(s.xs);
  }
  return failed ? -1 : 0;
}

/* ---------------------------------------------------------------------------------------
 * Node-API binding: solve(alpha0, b, features, pairs, next, y, radius, outBar, outLast,
 * status, params), typed arrays as in `struct problem` (next: an empty Int32Array for SGD),
 * params = Float64Array [R, m, d, T, isTd, eta, c, gamma, kappaFloor, resyncEvery, threads].
 * lib/solvers/native-kernel.ts checks the problem and allocates the outputs. */

static int typedArray(napi_env env, napi_value v, napi_typedarray_type want, size_t minLength, void **data, size_t *length) {
  napi_typedarray_type type;
  size_t n;
  void *ptr;
  if (napi_get_typedarray_info(env, v, &type, &n, &ptr, NULL, NULL) != napi_ok || type != want || n < minLength) return 0;
  *data = ptr;
  if (length) *length = n;
  return 1;
}

static napi_value solve(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 11) {
    napi_throw_type_error(env, NULL, "solve expects 11 arguments");
    return NULL;
  }
  double *params;
  size_t nFeatures;
  if (!typedArray(env, argv[10], napi_float64_array, 11, (void **)&params, NULL)) {
    napi_throw_type_error(env, NULL, "params must be a Float64Array of 11 numbers");
    return NULL;
  }
  struct problem p = {0};
  p.R = (int)params[0], p.m = (int)params[1], p.d = (int)params[2], p.T = (int)params[3], p.isTd = params[4] != 0;
  p.eta = params[5], p.c = params[6], p.gamma = params[7], p.kappaFloor = params[8], p.resyncEvery = (int)params[9];
  const int threads = (int)params[10];
  const size_t R = p.R, md = (size_t)p.m * p.d, RT = (size_t)p.R * p.T;
  void *next = NULL;
  int ok = p.R > 0 && p.m > 0 && p.d > 0 && p.T > 0 && p.resyncEvery > 0 && threads > 0 &&
           typedArray(env, argv[2], napi_float64_array, p.d, (void **)&p.X, &nFeatures) && nFeatures % p.d == 0;
  if (ok) {
    p.N = (int)(nFeatures / p.d);
    ok = typedArray(env, argv[0], napi_float64_array, R * md, (void **)&p.alpha0, NULL) &&
         typedArray(env, argv[1], napi_float64_array, R * p.m, (void **)&p.b, NULL) &&
         typedArray(env, argv[3], napi_int32_array, RT, (void **)&p.pairs, NULL) &&
         typedArray(env, argv[4], napi_int32_array, p.isTd ? RT : 0, &next, NULL) &&
         typedArray(env, argv[5], napi_float64_array, p.isTd ? (size_t)p.N : R * p.N, (void **)&p.y, NULL) &&
         typedArray(env, argv[6], napi_float64_array, R, (void **)&p.radius, NULL) &&
         typedArray(env, argv[7], napi_float64_array, R * md, (void **)&p.outBar, NULL) &&
         typedArray(env, argv[8], napi_float64_array, R * md, (void **)&p.outLast, NULL) &&
         typedArray(env, argv[9], napi_int32_array, R, (void **)&p.status, NULL);
  }
  if (!ok) {
    napi_throw_range_error(env, NULL, "solve: an argument has the wrong type or length");
    return NULL;
  }
  p.next = next;
  /* Sample indices are trusted by the kernel: check them once here. */
  for (size_t q = 0; q < RT; q++) {
    if (p.pairs[q] < 0 || p.pairs[q] >= p.N || (p.isTd && (p.next[q] < 0 || p.next[q] >= p.N))) {
      napi_throw_range_error(env, NULL, "solve: a sample index is outside [0, N)");
      return NULL;
    }
  }
  p.xx = malloc((size_t)p.N * sizeof(double));
  if (!p.xx) {
    napi_throw_error(env, NULL, "solve: out of memory");
    return NULL;
  }
  for (int j = 0; j < p.N; j++) {
    double s = 0;
    for (int k = 0; k < p.d; k++) s += p.X[(size_t)j * p.d + k] * p.X[(size_t)j * p.d + k];
    p.xx[j] = s;
  }
  const int rc = solveAll(&p, threads);
  free(p.xx);
  if (rc != 0) napi_throw_error(env, NULL, "solve: out of memory");
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "solve", NAPI_AUTO_LENGTH, solve, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "solve", fn) != napi_ok) return NULL;
  return exports;
}
