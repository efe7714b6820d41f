/**
 * Seeded, splittable randomness (SPEC §7 "Reproducible"). All randomness in the project
 * comes from here; tfjs seeding is never used (STACK.md: unreliable).
 *
 * Generator: xoshiro128** (32-bit state words, fast with Math.imul). A child stream is
 * keyed by hashing the parent's key together with a label, so streams are independent of
 * the order in which they are created and of how many siblings exist: replica r draws the
 * same numbers whether 4 or 64 replicas are run.
 */

/** 32-bit finaliser of MurmurHash3: a bijection that mixes every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a 4-word key with a label into a new 4-word key. */
function deriveKey(key: Uint32Array, label: string | number): Uint32Array {
  const text = typeof label === "number" ? `#${label}` : `$${label}`;
  const out = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    let h = fmix32(key[w] ^ Math.imul(w + 1, 0x9e3779b9));
    for (let i = 0; i < text.length; i++) {
      h = fmix32(h ^ Math.imul(text.charCodeAt(i) + 0x1000 * (w + 1), 0x27d4eb2f));
    }
    out[w] = fmix32(h ^ key[(w + 1) & 3]);
  }
  if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1; // xoshiro's one forbidden state
  return out;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** A stream of random numbers. Not thread-safe; split it instead of sharing it. */
export class Rng {
  private readonly key: Uint32Array;
  private readonly s: Uint32Array;
  private spareNormal: number | null = null;
  /** Added to the next numeric label (a replica index) below this stream; see `replicasFrom`. */
  private readonly replicaOffset: number;

  private constructor(key: Uint32Array, replicaOffset = 0) {
    this.key = key;
    this.s = Uint32Array.from(key);
    this.replicaOffset = replicaOffset;
  }

  /** The root stream of a seed. `seed` is a non-negative safe integer. */
  static fromSeed(seed: number): Rng {
    checkSeed(seed);
    const key = new Uint32Array([seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, 0x6a09e667, 0xbb67ae85]);
    return new Rng(deriveKey(key, "root"));
  }

  /** An independent child stream; the same label always gives the same stream. */
  split(label: string | number): Rng {
    // Numeric labels are replica indices everywhere in lib/: the offset shifts the first one
    // met below this stream and stops there; string labels pass it down.
    if (typeof label === "number") return new Rng(deriveKey(this.key, label + this.replicaOffset));
    return new Rng(deriveKey(this.key, label), this.replicaOffset);
  }

  /**
   * The same stream, but replica r of anything drawn below it is replica `first + r` of the
   * original: a work unit computing replicas first…first+n−1 of a sweep draws exactly the
   * numbers the whole sweep draws for them (lib/experiments/units.ts).
   */
  replicasFrom(first: number): Rng {
    if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`first replica must be a non-negative integer, got ${first}`);
    return new Rng(Uint32Array.from(this.key), this.replicaOffset + first);
  }

  /** Next raw 32-bit output (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal N(0, 1), Box–Muller (the second value of each pair is kept). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Uniform on {−1, +1} (SPEC §2: the output weights b_i; the slides' Unif[−1,1] is an erratum). */
  sign(): number {
    return (this.nextUint32() & 1) === 0 ? -1 : 1;
  }

  /** Uniform integer in {0, …, n−1}, unbiased (rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`n must be an integer in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Fill `out` with i.i.d. N(0, scale²) draws. */
  fillNormal(out: Float64Array, scale = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = scale * this.normal();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Walker's alias table for a categorical distribution over {0, …, n−1}: O(n) set-up,
 * O(1) per draw, exact up to float64 rounding of the probabilities.
 */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /** `weights`: non-negative, finite, not all zero; normalised here. */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError("weights must be non-empty");
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights[${i}] must be finite and >= 0, got ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError("weights must not all be zero");
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large[large.length - 1];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        large.pop();
        small.push(l);
      }
    }
    // What is left has scaled weight 1 up to rounding.
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** One draw. */
  sample(rng: Rng): number {
    const i = rng.int(this.size);
    return rng.uniform() < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * The two independent root streams every run uses (Standards: "separate MDP seed and
 * algorithm seed"): the MDP stream builds testbeds and features, the algorithm stream
 * draws initialisations and samples.
 */
export interface SeedPair {
  mdpSeed: number;
  seed: number;
}

export function streams({ mdpSeed, seed }: SeedPair): { mdp: Rng; algorithm: Rng } {
  return { mdp: mdpStream(mdpSeed), algorithm: algorithmStream(seed) };
}

/** The MDP stream of a seed: testbeds, features, inputs. */
export function mdpStream(mdpSeed: number): Rng {
  return Rng.fromSeed(mdpSeed).split("mdp");
}

/** The algorithm stream of a seed: initialisations, sample streams, directions. */
export function algorithmStream(seed: number): Rng {
  return Rng.fromSeed(seed).split("algorithm");
}
