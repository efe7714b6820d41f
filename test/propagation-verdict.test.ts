import { test } from "node:test";
import assert from "node:assert/strict";
import { heldByMTermAlone, propagationVerdict } from "../lib/report/propagation-figures";
import type { PropagationSummary } from "../lib/experiments/propagation";

// Hand-computed rows: λ = 2, M = 8, so NeurIPS Lemma 4.8's M term is 2·8/4 = 4 and the revision's Lemma 4.9's is 8/4 = 2.
const row = (energyStepSq: number, criticSupSq: number) => ({ variant: "neural-ppo", k: 0, lambda: 2, M: 8, energyStepSq, criticSupSq });
const summary = (statement: string, held: number, theorem = true) => ({ statement, reading: "r", theorem, rows: 2, held, medianRatio: 0.1, maxRatio: 0.2, minSlack: 1 }) as unknown as PropagationSummary;

test("a bound held through its M term alone is named so; one that needed its ϵ terms is plain 'held'", () => {
  assert.equal(heldByMTermAlone("Lemma 4.8 (NeurIPS)", [row(3.9, 0), row(1, 0)]), true);
  assert.equal(heldByMTermAlone("Lemma 4.8 (NeurIPS)", [row(4.1, 0), row(1, 0)]), false, "one row above 2β⁻²M = 4 needs the ϵ term");
  assert.equal(heldByMTermAlone("Lemma 4.9 (revision)", [row(0, 7.9)]), true, "Q²/λ² = 1.975 ≤ M/λ² = 2");
  assert.equal(heldByMTermAlone("Lemma 4.9 (revision)", [row(0, 8.1)]), false);
  assert.equal(heldByMTermAlone("Lemma 4.7", [row(1, 1)]), null, "no M term");
  assert.equal(heldByMTermAlone("Lemma 4.8 (NeurIPS)", [{ variant: "exact-ppo", lambda: 2, M: 8, energyStepSq: 1 }]), false, "no neural row: no claim");
  assert.match(propagationVerdict(summary("Lemma 4.8 (NeurIPS)", 2), [row(1, 0)]), /only through its M term/);
  assert.equal(propagationVerdict(summary("Lemma 4.8 (NeurIPS)", 2), [row(5, 0)]), "held");
  assert.equal(propagationVerdict(summary("Lemma 4.8 (NeurIPS)", 1), [row(1, 0)]), "FAILED (bug)");
  assert.equal(propagationVerdict(summary("Lemma 4.8 (NeurIPS)", 1, false), [row(1, 0)]), "fails");
});
