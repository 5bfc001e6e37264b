#!/usr/bin/env python3
"""
The reference stack: the same conductance on the same demo CNN weights in PyTorch (CPU).
Reads public/demo/models/fashion-cnn/model.json + its shard (the tfjs export: Conv2D without
bias + BatchNormalization + ReLU blocks, max-pools, global average pool, dense), runs conductance
of all 5 block outputs for B deterministic images (x[i] = ((i * 7919) mod 65521) / 65521 (distinct values: max-pool ties would route gradients differently per library) over the
flattened NHWC batch), S steps, zero baseline, target = logit of the class predicted at x, the
trapezoid rule over alpha = k/S (as src/core/attribution/conductance.ts), and writes the
per-image per-channel net contributions and the times to bench/results/tmp/torch.json, which
bench/pytorch/compare.ts checks against the engine.
  /usr/bin/python3 bench/pytorch/conductance.py [--images 16] [--steps 10] [--threads 1]
Skips (exit 0, says why) when torch is not importable.
"""
import argparse, json, os, sys, time

try:
    import numpy as np
    import torch
    import torch.nn.functional as Fn
except ImportError as e:  # pragma: no cover
    print(json.dumps({"skipped": f"PyTorch not importable ({e}); on Debian: apt-get install python3-torch, run with /usr/bin/python3"}))
    sys.exit(0)

ap = argparse.ArgumentParser()
ap.add_argument("--model", default="public/demo/models/fashion-cnn")
ap.add_argument("--images", type=int, default=16)
ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--out", default="bench/results/tmp/torch.json")
a = ap.parse_args()

mj = json.load(open(os.path.join(a.model, "model.json")))
topo = mj["modelTopology"].get("model_config", mj["modelTopology"])
layers = topo["config"]["layers"]
buf = b"".join(open(os.path.join(a.model, p), "rb").read() for g in mj["weightsManifest"] for p in g["paths"])
W, off = {}, 0
for g in mj["weightsManifest"]:
    for w in g["weights"]:
        assert w.get("dtype", "float32") == "float32" and "quantization" not in w, w
        n = int(np.prod(w["shape"])) if w["shape"] else 1
        W[w["name"]] = torch.from_numpy(np.frombuffer(buf, dtype="<f4", count=n, offset=off).reshape(w["shape"]).copy())
        off += 4 * n

def forward(x, probes):
    """x: NHWC. probes: name -> tensor added to that layer's output (dF/dprobe = dF/da)."""
    h = x.permute(0, 3, 1, 2)
    acts = {}
    for l in layers:
        c, name = l["class_name"], l["config"]["name"]
        cfg = l["config"]
        if c == "InputLayer":
            continue
        if c == "Conv2D":
            assert cfg["padding"] == "same" and cfg["strides"] == [1, 1] and cfg["kernel_size"] == [3, 3]
            h = Fn.conv2d(h, W[f"{name}/kernel"].permute(3, 2, 0, 1), W.get(f"{name}/bias"), padding=1)
        elif c == "BatchNormalization":
            h = Fn.batch_norm(h, W[f"{name}/moving_mean"], W[f"{name}/moving_variance"], W[f"{name}/gamma"], W[f"{name}/beta"], False, 0.0, cfg["epsilon"])
        elif c == "ReLU":
            h = torch.relu(h)
        elif c == "MaxPooling2D":
            h = Fn.max_pool2d(h, cfg["pool_size"], cfg["strides"])
        elif c == "GlobalAveragePooling2D":
            h = h.mean(dim=(2, 3))
        elif c == "Dense":
            h = h @ W[f"{name}/kernel"] + W[f"{name}/bias"]
        else:
            raise SystemExit(f"unsupported layer {c}")
        if name in probes:
            h = h + probes[name]
            acts[name] = h
    return h, acts

card = json.load(open(os.path.join(a.model, "card.json")))
names = [l["name"] for l in card["layers"]]
shape = [int(s) for s in topo["config"]["layers"][0]["config"]["batch_input_shape"][1:]] if "batch_input_shape" in layers[0]["config"] else [28, 28, 1]
B, S = a.images, a.steps
x = torch.from_numpy((np.arange(B * int(np.prod(shape))) * 7919 % 65521 / 65521).astype("float32").reshape([B] + shape))

def conductance(ls):
    with torch.no_grad():
        logits, _ = forward(x, {})
        k = logits.argmax(1)
    al = torch.arange(S + 1, dtype=torch.float32) / S
    xs = (al.view(-1, 1, 1, 1, 1) * x.unsqueeze(0)).reshape([(S + 1) * B] + shape)  # zero baseline
    zero = {n: 0.0 for n in ls}
    _, acts0 = forward(xs[:1], zero)  # shapes
    probes = {n: torch.zeros((S + 1) * B, *acts0[n].shape[1:], requires_grad=True) for n in ls}
    out, acts = forward(xs, probes)
    f = out.gather(1, k.repeat(S + 1).view(-1, 1)).sum()
    grads = torch.autograd.grad(f, [probes[n] for n in ls])
    res = {}
    for n, g in zip(ls, grads):
        A = acts[n].detach().reshape(S + 1, B, -1)
        G = g.reshape(S + 1, B, -1)
        m = (0.5 * (G[1:] + G[:-1]) * (A[1:] - A[:-1])).sum(0)  # B x (C*H*W), channel-first
        C = acts[n].shape[1]
        res[n] = m.reshape(B, C, -1).sum(2)
    return res

def floor():
    xs = x.repeat(S + 1, 1, 1, 1).requires_grad_(True)
    out, _ = forward(xs, {})
    torch.autograd.grad(out[:, 0].sum(), xs)

def timed(fn):
    fn()
    ts = []
    for _ in range(a.reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
    return sorted(ts)[len(ts) // 2]

result = {"torch": torch.__version__, "images": B, "steps": S, "layers": names, "x": "((i*7919) mod 65521)/65521", "times": {}}
for threads in sorted({1, os.cpu_count() or 1}):
    torch.set_num_threads(threads)
    result["times"][f"threads={threads}"] = {"conductance_ms": timed(lambda: conductance(names)), "one_layer_ms": timed(lambda: conductance(names[:1])), "floor_ms": timed(floor)}
def stsae_epoch_ms(d, n=2000, reps=3):
    """One STSAE training epoch as src/core/sae/stsae.ts (K = 3d, hidden d, dropout 0.05, LayerNorm,
    sigmoid, hard threshold tau 0.8 with a straight-through mask, atoms K x d, MSE + 5e-5 mean|atoms|,
    Adam, batch 128, 90% of n rows, then the validation loss), on the bench's data recipe."""
    g = torch.Generator().manual_seed(1)
    x = torch.rand(n, d, generator=g) ** 3
    K, H = 3 * d, d
    enc = torch.nn.Sequential(torch.nn.Linear(d, H), torch.nn.Dropout(0.05), torch.nn.ReLU(), torch.nn.LayerNorm(H),
                              torch.nn.Linear(H, H), torch.nn.Dropout(0.05), torch.nn.ReLU(), torch.nn.LayerNorm(H),
                              torch.nn.Linear(H, K, bias=False))
    atoms = torch.nn.Parameter(torch.empty(K, d))
    torch.nn.init.xavier_uniform_(atoms)
    opt = torch.optim.Adam(list(enc.parameters()) + [atoms], lr=1e-3)
    ntr = int(n * 0.9)
    def loss_of(xb):
        c = torch.sigmoid(enc(xb))
        z = c * (c >= 0.8).float()
        return ((xb - z @ atoms) ** 2).mean() + 5e-5 * atoms.abs().mean()
    def epoch():
        enc.train()
        perm = torch.randperm(ntr, generator=g)
        for b in range(0, ntr, 128):
            opt.zero_grad()
            loss_of(x[perm[b:b + 128]]).backward()
            opt.step()
        enc.eval()
        with torch.no_grad():
            loss_of(x[ntr:])
    return timed(epoch)

torch.set_num_threads(1)
result["sae"] = {f"stsae d={d}": stsae_epoch_ms(d) for d in (16, 64)}
result["net"] = {n: v.tolist() for n, v in conductance(names).items()}
os.makedirs(os.path.dirname(a.out), exist_ok=True)
json.dump(result, open(a.out, "w"))
print(json.dumps({k: v for k, v in result.items() if k != "net"}))
