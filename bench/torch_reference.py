"""PyTorch reference for `npm run bench` (lib/bench/torch-path.ts writes the inputs and reads
the outputs): the same projected SGD / TD(0) steps as lib/solvers/tfjs-kernel.ts, float32,
replicas batched in lockstep, written as one would in PyTorch (bmm, relu, masks, addcmul
in place under no_grad, samples gathered once up front). Three formulations — the step as
written below, eager and under torch.jit.script, and a manual one that updates θ in place —
are probed, each with 1 and with all CPU threads, on a few chunks; the fastest at this width
runs the full T when it fits in the time cap, so the ratios to it are not inflated.

usage: python3 torch_reference.py <dir>   (reads <dir>/meta.json and *.bin, writes <dir>/result.json, theta_bar.bin)
"""
import json
import os
import sys
import time

import numpy as np
import torch


def main(folder):
    meta = json.load(open(os.path.join(folder, "meta.json")))
    R, m, d, N, T = meta["R"], meta["m"], meta["d"], meta["N"], meta["T"]
    load = lambda name, dt: np.fromfile(os.path.join(folder, name + ".bin"), dtype=dt)
    a0 = torch.from_numpy(load("alpha0", np.float32).reshape(R, m, d))
    b = torch.from_numpy(load("b", np.float32).reshape(R, m))
    X = torch.from_numpy(load("features", np.float32).reshape(N, d))
    pairs = torch.from_numpy(load("pairs", np.int32).reshape(R, T).astype(np.int64))
    td = meta["td"]
    if td:
        nxt = torch.from_numpy(load("next", np.int32).reshape(R, T).astype(np.int64))
        rewards = torch.from_numpy(load("rewards", np.float32))
    else:
        targets = torch.from_numpy(load("targets", np.float32).reshape(R, N))
    radius = torch.from_numpy(load("radius", np.float32))
    c = 1.0 / m ** 0.5
    eta = 1.0 / T ** 0.5
    gamma = float(meta["gamma"])
    rows = torch.arange(R)
    # Samples gathered once, as a data loader would: x_t, and for TD x'_t and r_t, per replica.
    xs = X[pairs.t()]  # [T, R, d]
    if td:
        xns = X[nxt.t()]
        ys = ((1 - gamma) * rewards[pairs.t()]).contiguous()  # reward part of the target
    else:
        ys = targets[rows.unsqueeze(0), pairs.t()].contiguous()  # [T, R]

    def step(theta, a0, b, radius, x, xn, y, c: float, eta: float, gamma: float, td: bool):
        pre = torch.bmm(theta, x.unsqueeze(2)).squeeze(2)
        u = (b * torch.relu(pre)).sum(1) * c
        if td:
            y = y + gamma * c * (b * torch.relu(torch.bmm(theta, xn.unsqueeze(2)).squeeze(2))).sum(1)
        g = b * (pre > 0).to(theta.dtype) * ((u - y) * (c * eta)).unsqueeze(1)
        # θ − α(0) − g xᵀ (a rank-1 update per replica) in place on a fresh tensor, then the
        # projection, also in place: the fastest of the formulations tried here.
        diff = theta.sub(a0)
        diff.addcmul_(g.unsqueeze(2), x.unsqueeze(1), value=-1.0)
        norm = torch.linalg.vector_norm(diff, dim=(1, 2))
        factor = torch.clamp(radius / norm, max=1.0)
        return diff.mul_(factor.view(-1, 1, 1)).add_(a0)

    def manual_step(theta, a0, b, radius, x, xn, y, c: float, eta: float, gamma: float, td: bool):
        # The step as one writes it by hand: θ updated in place (no new [R, m, d] tensor per
        # step: at m = 16384 a fresh 32 MiB tensor a step costs page faults), clamp for relu,
        # and the projection in place on θ itself.
        pre = torch.bmm(theta, x.unsqueeze(2)).squeeze(2)
        u = (b * pre.clamp(min=0)).sum(1) * c
        if td:
            y = y + gamma * c * (b * torch.bmm(theta, xn.unsqueeze(2)).squeeze(2).clamp(min=0)).sum(1)
        g = b * (pre > 0).to(theta.dtype) * ((u - y) * (c * eta)).unsqueeze(1)
        theta.addcmul_(g.unsqueeze(2), x.unsqueeze(1), value=-1.0)
        theta.sub_(a0)
        factor = torch.clamp(radius / torch.linalg.vector_norm(theta, dim=(1, 2)), max=1.0)
        return theta.mul_(factor.view(-1, 1, 1)).add_(a0)

    variants = {"eager": step, "torch.jit.script": torch.jit.script(step), "manual in-place": manual_step}

    def runner(fn):
        theta = a0.clone()
        total = torch.zeros_like(a0)
        state = {"t": 0}

        @torch.no_grad()
        def run(until):
            nonlocal theta
            for t in range(state["t"], min(until, T)):
                total.add_(theta)
                if t == T - 1:
                    continue
                theta = fn(theta, a0, b, radius, xs[t], xns[t] if td else xs[t], ys[t], c, eta, gamma, td)
            state["t"] = max(state["t"], min(until, T))
        return run, state, total

    chunk = meta["chunk"]
    cap = meta["capSeconds"]

    def timed_chunks(run, state, n, size):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            run(state["t"] + size)
            times.append(time.perf_counter() - start)
        return times

    # Pick the variant and thread count on a short probe (warm-up, then the best of three chunks).
    probe = {}
    size = min(chunk, 50)
    for name, fn in variants.items():
        for threads in sorted({1, os.cpu_count() or 1}):
            torch.set_num_threads(threads)
            run, state, _ = runner(fn)
            run(min(10, T))
            probe[(name, threads)] = min(timed_chunks(run, state, 3, size)) / size
    variant, threads = min(probe, key=probe.get)
    torch.set_num_threads(threads)
    run, state, total = runner(variants[variant])
    run(min(10, T))  # warm-up, part of the run
    complete = probe[(variant, threads)] * T <= cap
    if not complete:  # 3 chunks of about cap/10 seconds each
        chunk = max(1, min(chunk, int(cap / 10 / probe[(variant, threads)])))
    times = []
    sizes = []
    while state["t"] < T:
        size = min(chunk, T - state["t"])
        start = time.perf_counter()
        run(state["t"] + size)
        times.append(time.perf_counter() - start)
        sizes.append(size)
        if not complete and len(times) >= 3:
            break
    result = {
        "torch": torch.__version__, "variant": variant, "threads": threads,
        "probeSecondsPerStep": {f"{k[0]}, {k[1]} threads": v for k, v in probe.items()},
        "chunkSeconds": times, "chunkSteps": sizes, "completed": state["t"] >= T,
    }
    if result["completed"]:
        (total / T).double().numpy().tofile(os.path.join(folder, "theta_bar.bin"))
    json.dump(result, open(os.path.join(folder, "result.json"), "w"))


if __name__ == "__main__":
    main(sys.argv[1])
