import { test } from "node:test";
import assert from "node:assert/strict";
import { bandTrace, fitSubtitle, logLogFigure, logTicks, mathLabel, measuredBandTraces, settingsLine, smallMultiples, withAlpha, withSubtitle, wrapLines } from "../lib/report/figures";

/** The labels of the ticks within [lo, hi]. */
const shown = (t: { tickvals: number[]; ticktext: string[] }, lo: number, hi: number) => t.ticktext.filter((_, i) => t.tickvals[i] >= lo && t.tickvals[i] <= hi);

test("log ticks: one label format per axis — decimals, m·10^k, or powers of ten", () => {
  assert.deepEqual(shown(logTicks([0.003, 0.4]), 0.003, 0.4), ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2"]);
  assert.deepEqual(shown(logTicks([2, 40]), 2, 40), ["2", "5", "10", "20"]);
  // Where decimals would need "0.0000005" every label is m·10^k (plotly mixed "0.000001" with "1e−7").
  assert.deepEqual(shown(logTicks([1e-7, 2e-6]), 1e-7, 2e-6), ["10<sup>−7</sup>", "2·10<sup>−7</sup>", "5·10<sup>−7</sup>", "10<sup>−6</sup>", "2·10<sup>−6</sup>"]);
  assert.deepEqual(shown(logTicks([1e-9, 3e-5]), 1e-9, 3e-5), ["10<sup>−9</sup>", "10<sup>−8</sup>", "10<sup>−7</sup>", "10<sup>−6</sup>", "10<sup>−5</sup>"]);
  assert.deepEqual(shown(logTicks([1e-14, 10]), 1e-14, 10), ["10<sup>−14</sup>", "10<sup>−12</sup>", "10<sup>−10</sup>", "10<sup>−8</sup>", "10<sup>−6</sup>", "10<sup>−4</sup>", "10<sup>−2</sup>", "10<sup>0</sup>"]);
  assert.deepEqual(shown(logTicks([2.1, 4.5]), 2.1, 4.5), ["3", "4"]);
  assert.equal(logTicks([1e-7, 2e-6]).tickvals.find((v) => v > 1.9e-7 && v < 2.1e-7), 2e-7, "exact tick values");
});

test("logLogFigure labels its y axis with logTicks", () => {
  const fig = logLogFigure({ title: "t", xTitle: "x", yTitle: "y", traces: [{ x: [4, 64], y: [1e-9, 2e-5] }], xValues: [4, 64] });
  const y = fig.layout.yaxis as { tickvals: number[]; ticktext: string[] };
  assert.deepEqual(y.ticktext, logTicks([1e-9, 2e-5]).ticktext);
});

test("math labels: subscripts, superscripts with a true minus; unicode passes through", () => {
  assert.equal(mathLabel("root-MSE ϵ, φ*_{k+1} (slides)"), "root-MSE ϵ, φ*<sub>k+1</sub> (slides)");
  assert.equal(mathLabel("with ‖ν*/ν_k‖_∞"), "with ‖ν*/ν<sub>k</sub>‖<sub>∞</sub>");
  assert.equal(mathLabel("c·R³m^(-1/2)"), "c·R³m<sup>−1/2</sup>");
  assert.equal(mathLabel("x^2 + T^{-1}"), "x<sup>2</sup> + T<sup>−1</sup>");
  assert.equal(mathLabel("2|A|τ⁻²ϵ²"), "2|A|τ⁻²ϵ²");
});

test("settings line and subtitle", () => {
  assert.equal(settingsLine({ mdp: "garnet-s10-a4", β: 0.1, K: 64, m: undefined, T: 4096 }), "garnet-s10-a4 · β = 0.1 · K = 64 · T = 4096");
  const fig = withSubtitle(logLogFigure({ title: "t", xTitle: "x", yTitle: "y", traces: [], xValues: [2, 4] }), "a<br>b");
  assert.deepEqual(fig.layout.title, { text: "t", subtitle: { text: "a<br>b", font: { size: 12, color: "#555555" } } });
  assert.equal((fig.layout.margin as { t: number }).t, 50 + 2 * 18 + 6);
});

test("bands: a closed polygon from lo to hi, filled, off the legend; measured 95% band stays positive on log axes", () => {
  const b = bandTrace([1, 2, 3], [1, 2, 3], [4, 5, 6], "#0072B2", "g");
  assert.deepEqual(b.x, [1, 2, 3, 3, 2, 1]);
  assert.deepEqual(b.y, [4, 5, 6, 3, 2, 1]);
  assert.equal(b.fill, "toself");
  assert.equal(b.fillcolor, withAlpha("#0072B2", 0.18));
  assert.equal(b.fillcolor, "rgba(0, 114, 178, 0.18)");
  assert.throws(() => withAlpha("blue", 0.5), /color must be "#rrggbb", got "blue"/);
  assert.equal(b.showlegend, false);
  const [band, line] = measuredBandTraces("m = 64", [1, 2], [1, 2], [1, 0.1], "#D55E00");
  assert.deepEqual(band.y, [1 + 1.96, 2 + 0.196, 2 - 0.196, 0.1]);
  assert.equal(line.legendgroup, band.legendgroup);
  assert.deepEqual(line.y, [1, 2]);
});

test("small multiples: each panel on its own axes, with its title, legend and shapes", () => {
  const fig = smallMultiples({
    title: "T", subtitle: "s", columns: 2, xTitle: "k", yTitle: "ratio",
    panels: ["A", "B", "C"].map((title) => ({ title, traces: [{ name: title, x: [1], y: [1] }], yaxis: { type: "log" }, shapes: [{ type: "line", xref: "x domain", yref: "y", y0: 1, y1: 1 }] })),
  });
  assert.deepEqual(fig.data.map((t) => [t.xaxis, t.yaxis, t.legend]), [["x", "y", "legend"], ["x2", "y2", "legend2"], ["x3", "y3", "legend3"]]);
  const L = fig.layout as Record<string, any>;
  assert.equal(L.xaxis2.anchor, "y2");
  assert.equal(L.yaxis3.type, "log");
  assert.equal(L.yaxis.title.text, "ratio");
  assert.equal(L.yaxis2.title.text, "", "y titled on the first column only");
  assert.deepEqual(L.shapes.map((s: { xref: string; yref: string }) => [s.xref, s.yref]), [["x domain", "y"], ["x2 domain", "y2"], ["x3 domain", "y3"]]);
  assert.deepEqual(L.annotations.map((a: { text: string }) => a.text), ["<b>A</b>", "<b>B</b>", "<b>C</b>"]);
  assert.ok(L.yaxis.domain[0] > L.yaxis3.domain[1], "second row below the first");
  assert.ok(L.xaxis.domain[1] < L.xaxis2.domain[0], "columns side by side");
  assert.equal(L.height, L.margin.t + L.margin.b + 2 * (26 + 230 + 60 + 22 * 3));
});

test("00-testbeds' settling verdict comes from the data: a radius still growing at the widest networks is 'still moving'", async () => {
  const { settlingCheck } = await import("../lib/report/testbed-figures");
  const ms = [16, 32, 64, 128, 256, 512, 1024];
  const rows = (f: (m: number) => number) => ms.flatMap((m) => [0, 1, 2].map((r) => ({ m, replica: r, radius: f(m) * (1 + 0.01 * (r - 1)) })));
  assert.equal(settlingCheck(rows((m) => 2 + 8 / m), "radius").verdict, "settles");
  assert.equal(settlingCheck(rows((m) => 0.5 * m ** 0.1), "radius").verdict, "still moving");
  // Flat on average but noisy replicas: the CI straddles the tolerance, so no verdict rather than "settles".
  const noisy = ms.flatMap((m) => [0, 1, 2].map((r) => ({ m, replica: r, radius: 2 * (1 + 0.3 * Math.sin(7 * m + 3 * r)) })));
  assert.equal(settlingCheck(noisy, "radius").verdict, "no verdict");
});

test("subtitles wrap at spaces to the figure's width, tags count as zero width, and wrapping twice changes nothing", () => {
  const long = `${"word ".repeat(60).trim()}<br>short line`;
  const lines = wrapLines(long, 400).split("<br>");
  const maxChars = Math.floor((400 - 40) / 6.6);
  assert.ok(lines.length > 3 && lines.every((l) => l.length <= maxChars), lines.join("|"));
  assert.equal(lines[lines.length - 1], "short line");
  assert.equal(lines.join(" ").replace(/ short line$/, ""), "word ".repeat(60).trim());
  assert.equal(wrapLines("min<sub>k≤K</sub> gap", 400), "min<sub>k≤K</sub> gap");
  assert.equal(wrapLines(`${"x".repeat(30)}<sub>${"y".repeat(30)}</sub>`, 400), `${"x".repeat(30)}<sub>${"y".repeat(30)}</sub>`, "tags add no width, and a word is never split");
  const fig = withSubtitle(logLogFigure({ title: "t", xTitle: "x", yTitle: "y", traces: [], xValues: [2, 4] }), long);
  const once = fitSubtitle(fig, 400);
  const extraLines = lines.length - 2;
  assert.equal(once.extraHeight, 18 * extraLines);
  assert.equal((once.figure.layout.margin as { t: number }).t, (fig.layout.margin as { t: number }).t + 18 * extraLines);
  const twice = fitSubtitle(once.figure, 400);
  assert.equal(twice.extraHeight, 0);
  assert.deepEqual(twice.figure, once.figure);
  assert.equal(fitSubtitle(fig, 5000).figure, fig, "a subtitle that fits is left alone");
  const longTitle = withSubtitle(logLogFigure({ title: "a long title ".repeat(12).trim(), xTitle: "x", yTitle: "y", traces: [], xValues: [2, 4] }), "s");
  const titled = fitSubtitle(longTitle, 820);
  const titleLines = String((titled.figure.layout.title as { text: string }).text).split("<br>");
  assert.ok(titleLines.length >= 2 && titleLines.every((l) => l.length <= Math.floor((820 - 40) / 9.8)));
  assert.equal(titled.extraHeight, 24 * (titleLines.length - 1));
});
