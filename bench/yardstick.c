/*
 * The C yardstick of `npm run bench` (bench/README.md; not product code): the solver step of
 * the fast kernels (Algorithms 2 and 3, NeurIPS numbering, with the lazy projection
 * θ = α(0) + κD and the lazy path average K·D − B derived in wasm/kernel.ts) written the
 * way one writes it in C: plain loops, float32 arrays in [R, d, m] layout, float64 scalars
 * and a float64 bank of the average every 1024 steps, one replica after another with its
 * state in cache, OpenMP over replicas, and whatever `gcc -O3 -march=native -ffast-math
 * -fopenmp` makes of it. lib/bench/yardstick-path.ts compiles it on the spot and runs it.
 *
 * usage: yardstick DIR R m d N T td gamma capSeconds
 * DIR holds the problem as lib/bench/problem-files.ts writes it (float32 / int32 .bin files);
 * the program writes DIR/result.json (timings) and, when the full run fits in the cap,
 * DIR/theta_bar.bin (θ̄, float64 [R, m, d]). Timing as the kernel paths: one warm-up call,
 * 4 timed calls of T/4 steps (η = (T/4)^{-1/2}), then one call of T steps for θ̄.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int R, m, d, N, T, td;
static float gamma_, *alpha0, *b, *X, *xx, *targets, *rewards, *radius;
static int *pairs, *next;

static void *load(const char *dir, const char *name, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.bin", dir, name);
  FILE *f = fopen(path, "rb");
  void *p = malloc(bytes);
  if (!f || !p || fread(p, 1, bytes, f) != bytes) {
    fprintf(stderr, "yardstick: cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  return p;
}

/* One replica, `steps` steps; θ̄ into bar ([d][m], float64). Scratch: D, B [d][m]; banked [d][m]; za, zd, s [m]. */
static void solve(int r, int steps, double *bar, float *D, float *B, double *banked, float *za, float *zd, float *s) {
  const float *a0 = alpha0 + (size_t)r * d * m, *br = b + (size_t)r * m;
  const size_t md = (size_t)m * d;
  const double eta = 1 / sqrt(steps), c = 1 / sqrt(m), R0 = radius[r];
  memset(D, 0, md * sizeof(float));
  memset(B, 0, md * sizeof(float));
  memset(banked, 0, md * sizeof(double));
  double kappa = 1, K = 0, sq = 0;
  for (int t = 0; t < steps; t++) {
    K += kappa;
    if (t == steps - 1) break;
    const int j = pairs[(size_t)r * T + t];
    const float *x = X + (size_t)j * d, kf = kappa;
    for (int i = 0; i < m; i++) za[i] = zd[i] = 0;
    for (int k = 0; k < d; k++)
      for (int i = 0; i < m; i++) {
        za[i] += a0[k * m + i] * x[k];
        zd[i] += D[k * m + i] * x[k];
      }
    float u = 0;
    for (int i = 0; i < m; i++) u += br[i] * fmaxf(za[i] + kf * zd[i], 0);
    double y;
    if (td) {
      const float *xn = X + (size_t)next[(size_t)r * T + t] * d;
      float v = 0;
      for (int i = 0; i < m; i++) s[i] = 0;
      for (int k = 0; k < d; k++)
        for (int i = 0; i < m; i++) s[i] += (a0[k * m + i] + kf * D[k * m + i]) * xn[k];
      for (int i = 0; i < m; i++) v += br[i] * fmaxf(s[i], 0);
      y = (1 - gamma_) * rewards[j] + gamma_ * c * v;
    } else y = targets[(size_t)r * N + j];
    const double residual = c * u - y;
    const float scale = -eta * residual * c / kappa, Kf = K;
    float dsq = 0;
    for (int i = 0; i < m; i++) {
      s[i] = za[i] + kf * zd[i] > 0 ? scale * br[i] : 0;
      dsq += 2 * s[i] * zd[i] + s[i] * s[i] * xx[j];
    }
    sq += dsq;
    for (int k = 0; k < d; k++)
      for (int i = 0; i < m; i++) {
        const float g = s[i] * x[k];
        D[k * m + i] += g;
        B[k * m + i] += Kf * g;
      }
    if ((t + 1) % 1024 == 0) {
      sq = 0;
      for (size_t q = 0; q < md; q++) {
        sq += (double)D[q] * D[q];
        banked[q] += K * D[q] - B[q];
        B[q] = 0;
      }
      K = 0;
    }
    const double dist = kappa * sqrt(sq > 0 ? sq : 0);
    if (dist > R0 * (1 + 1e-12)) kappa *= R0 / dist;
    if (kappa < 1e-2) {
      for (size_t q = 0; q < md; q++) {
        banked[q] += K * D[q] - B[q];
        D[q] *= kappa;
        B[q] = 0;
      }
      sq *= kappa * kappa;
      K = 0;
      kappa = 1;
    }
  }
  for (size_t q = 0; q < md; q++) bar[q] = a0[q] + (banked[q] + K * D[q] - B[q]) / steps;
}

/* All replicas, `steps` steps each; returns seconds. */
static double run(int steps, double *bars) {
  const double start = omp_get_wtime();
  const size_t md = (size_t)m * d;
#pragma omp parallel
  {
    float *D = malloc(md * sizeof(float)), *B = malloc(md * sizeof(float)), *za = malloc(m * sizeof(float)), *zd = malloc(m * sizeof(float)), *s = malloc(m * sizeof(float));
    double *banked = malloc(md * sizeof(double)), *bar = malloc(md * sizeof(double));
#pragma omp for schedule(dynamic, 1)
    for (int r = 0; r < R; r++) {
      solve(r, steps, bar, D, B, banked, za, zd, s);
      if (bars) memcpy(bars + r * md, bar, md * sizeof(double));
    }
    free(D), free(B), free(za), free(zd), free(s), free(banked), free(bar);
  }
  return omp_get_wtime() - start;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: yardstick DIR R m d N T td gamma capSeconds\n");
    return 2;
  }
  const char *dir = argv[1];
  R = atoi(argv[2]), m = atoi(argv[3]), d = atoi(argv[4]), N = atoi(argv[5]), T = atoi(argv[6]), td = atoi(argv[7]);
  gamma_ = atof(argv[8]);
  const double cap = atof(argv[9]);
  const size_t md = (size_t)m * d;
  /* α(0) arrives as [R, m, d]: transposed to [R, d, m]. */
  float *a0 = load(dir, "alpha0", R * md * sizeof(float));
  alpha0 = malloc(R * md * sizeof(float));
  for (int r = 0; r < R; r++)
    for (int i = 0; i < m; i++)
      for (int k = 0; k < d; k++) alpha0[(size_t)r * md + (size_t)k * m + i] = a0[(size_t)r * md + (size_t)i * d + k];
  b = load(dir, "b", (size_t)R * m * sizeof(float));
  X = load(dir, "features", (size_t)N * d * sizeof(float));
  radius = load(dir, "radius", R * sizeof(float));
  pairs = load(dir, "pairs", (size_t)R * T * sizeof(int));
  if (td) {
    next = load(dir, "next", (size_t)R * T * sizeof(int));
    rewards = load(dir, "rewards", N * sizeof(float));
  } else targets = load(dir, "targets", (size_t)R * N * sizeof(float));
  xx = malloc(N * sizeof(float));
  for (int j = 0; j < N; j++) {
    xx[j] = 0;
    for (int k = 0; k < d; k++) xx[j] += X[j * d + k] * X[j * d + k];
  }

  const int Tc = T / 4 > 0 ? T / 4 : 1;
  run(Tc < 50 ? Tc : 50, NULL);
  double seconds[4], sorted[4];
  for (int i = 0; i < 4; i++) sorted[i] = seconds[i] = run(Tc, NULL);
  for (int i = 0; i < 4; i++)
    for (int k = i + 1; k < 4; k++)
      if (sorted[k] < sorted[i]) {
        const double tmp = sorted[i];
        sorted[i] = sorted[k], sorted[k] = tmp;
      }
  const int complete = T * (sorted[1] + sorted[2]) / 2 / Tc <= cap;
  char path[4096];
  if (complete) {
    double *bars = malloc(R * md * sizeof(double)), *out = malloc(R * md * sizeof(double));
    run(T, bars);
    for (int r = 0; r < R; r++)
      for (int k = 0; k < d; k++)
        for (int i = 0; i < m; i++) out[(size_t)r * md + (size_t)i * d + k] = bars[(size_t)r * md + (size_t)k * m + i];
    snprintf(path, sizeof path, "%s/theta_bar.bin", dir);
    FILE *f = fopen(path, "wb");
    fwrite(out, sizeof(double), R * md, f);
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/result.json", dir);
  FILE *f = fopen(path, "w");
  fprintf(f, "{\"threads\": %d, \"chunkSteps\": %d, \"chunkSeconds\": [%.9f, %.9f, %.9f, %.9f], \"completed\": %s}\n", omp_get_max_threads(), Tc, seconds[0], seconds[1], seconds[2],
          seconds[3], complete ? "true" : "false");
  fclose(f);
  return 0;
}
