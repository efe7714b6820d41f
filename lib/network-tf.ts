/**
 * Tensor (TensorFlow.js, float32) path of NN(α; m), batched over R replicas; the same
 * mathematics as the Float64 reference in `network.ts` (SPEC §2), which it must match
 * within float32 tolerance. Call `initBackend()` (backend.ts) before using it.
 *
 * Shapes: α, α(0): [R, m, d]; b: [R, m]; X: [n, d].
 */
import * as tf from "@tensorflow/tfjs";
import type { NetworkInit } from "./network";

/** The initialisation as tensors. Dispose them (or use tf.tidy) when done. */
export interface NetworkTensors {
  alpha0: tf.Tensor3D;
  b: tf.Tensor2D;
}

export function toTensors(init: NetworkInit): NetworkTensors {
  const { replicas: R, width: m, dim: d } = init;
  return { alpha0: tf.tensor3d(Float32Array.from(init.alpha0), [R, m, d]), b: tf.tensor2d(Float32Array.from(init.b), [R, m]) };
}

/** Pre-activations α_iᵀx: [R, n, m]. */
function preactivations(alpha: tf.Tensor3D, X: tf.Tensor2D): tf.Tensor3D {
  const [R] = alpha.shape;
  const Xb = tf.broadcastTo(X.expandDims(0), [R, X.shape[0], X.shape[1]]) as tf.Tensor3D;
  return tf.matMul(Xb, alpha, false, true);
}

/** u_α(X): [R, n]. */
export function forwardTf(b: tf.Tensor2D, alpha: tf.Tensor3D, X: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = alpha.shape[1];
    const hidden = tf.relu(preactivations(alpha, X)); // [R, n, m]
    return tf.matMul(hidden, b.expandDims(2) as tf.Tensor3D).squeeze([2]).mul(1 / Math.sqrt(m)) as tf.Tensor2D;
  });
}

/** Per-sample gradients ∇_α u_α(x_p) = (1/√m) b_i 1{α_iᵀx_p > 0} x_p: [R, n, m, d]. */
export function gradientTf(b: tf.Tensor2D, alpha: tf.Tensor3D, X: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const m = alpha.shape[1];
    const active = tf.cast(tf.greater(preactivations(alpha, X), 0), "float32"); // [R, n, m]
    const coef = active.mul(b.expandDims(1)).mul(1 / Math.sqrt(m)); // [R, n, m]
    return coef.expandDims(3).mul(X.expandDims(1).expandDims(0)) as tf.Tensor4D;
  });
}

/** u⁰_α(X) = (1/√m) Σ_i b_i 1{α_i(0)ᵀx > 0} α_iᵀx: [R, n] (Def. 4.2, NeurIPS numbering). */
export function linearisedTf(net: NetworkTensors, alpha: tf.Tensor3D, X: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = alpha.shape[1];
    const active = tf.cast(tf.greater(preactivations(net.alpha0, X), 0), "float32");
    const hidden = active.mul(preactivations(alpha, X)) as tf.Tensor3D;
    return tf.matMul(hidden, net.b.expandDims(2) as tf.Tensor3D).squeeze([2]).mul(1 / Math.sqrt(m)) as tf.Tensor2D;
  });
}

/** Empirical NTK Gram φ₀(X)φ₀(X)ᵀ = (XXᵀ) ⊙ (A Aᵀ)/m with A = 1{α(0)ᵀx > 0}: [R, n, n]. */
export function ntkGramTf(net: NetworkTensors, X: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const m = net.alpha0.shape[1];
    const active = tf.cast(tf.greater(preactivations(net.alpha0, X), 0), "float32"); // [R, n, m]
    const overlap = tf.matMul(active, active, false, true).div(m); // [R, n, n]
    return overlap.mul(tf.matMul(X, X, false, true).expandDims(0)) as tf.Tensor3D;
  });
}

/** Π_R(α) = α(0) + (α − α(0))·min{1, R/‖α − α(0)‖}, one ball per replica: [R, m, d]. */
export function projectBallTf(alpha0: tf.Tensor3D, alpha: tf.Tensor3D, radius: number): tf.Tensor3D {
  if (!(radius > 0) || !Number.isFinite(radius)) throw new RangeError(`radius must be > 0 and finite, got ${radius}`);
  return tf.tidy(() => {
    const diff = alpha.sub(alpha0);
    const norm = diff.square().sum([1, 2], true).sqrt(); // [R, 1, 1]
    const scale = tf.minimum(1, tf.div(radius, tf.maximum(norm, 1e-30)));
    return alpha0.add(diff.mul(scale)) as tf.Tensor3D;
  });
}
