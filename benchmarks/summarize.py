#!/usr/bin/env python3
"""Turns one run.sh result folder (JMH JSON per JDK and thread count) into the markdown tables of
RESULTS.md: ops/s with JMH's 99.9% error, ns per call (per thread), B/op, iap-verifier's ratio
against each peer, two-thread scaling, and the openssl verify/s. Reads only what run.sh wrote."""
import json
import os
import re
import sys

folder = sys.argv[1]
runs = {}  # (jdk, threads) -> {benchmark: record}
for name in sorted(os.listdir(folder)):
    m = re.fullmatch(r"(jdk\d+)-t(\d+)\.json", name)
    if not m:
        continue
    try:
        with open(os.path.join(folder, name)) as f:
            data = json.load(f)
    except ValueError:  # a JMH run that failed before writing its results
        continue
    runs[(m.group(1), int(m.group(2)))] = {
        r["benchmark"].rsplit(".", 2)[-2]
        + "."
        + r["benchmark"].rsplit(".", 1)[-1]
        + ("[" + ",".join(r["params"].values()) + "]" if r.get("params") else ""): r
        for r in data
    }

cols = sorted(runs)
benchmarks = []
for c in cols:
    for b in runs[c]:
        if b not in benchmarks:
            benchmarks.append(b)
order = ["NeverSeenBenchmark", "CacheHitBenchmark", "RealisticMixBenchmark", "SignatureBenchmark",
         "AdapterBenchmark", "AdapterBaselineBenchmark", "PrecomputationBenchmark"]
benchmarks.sort(key=lambda b: (order.index(b.split(".")[0]) if b.split(".")[0] in order else 9, b))


def fmt(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


def cell(rec, threads):
    pm = rec["primaryMetric"]
    score, err = float(pm["score"]), float(pm["scoreError"])  # JMH writes "NaN" for one iteration
    ns = threads * 1e9 / score if score else float("nan")
    sm = rec.get("secondaryMetrics", {})
    alloc = (sm.get("gc.alloc.rate.norm") or sm.get("·gc.alloc.rate.norm") or {}).get("score")
    lat = f"{ns / 1000:,.1f} µs" if ns >= 10_000 else f"{ns:,.0f} ns"
    b = "n/a" if alloc is None else (f"{alloc:,.1f} B" if alloc < 10 else f"{alloc:,.0f} B")
    e = "" if err != err else f" ± {fmt(err)}"  # NaN error with one iteration
    return f"{fmt(score)}{e} | {lat} | {b}"


print("| benchmark | " + " | ".join(f"{j} t{t}: ops/s | per call | B/op" for j, t in cols) + " |")
print("|---|" + "---|---|---|" * len(cols))
for b in benchmarks:
    cells = [cell(runs[c][b], c[1]) if b in runs[c] else "– | – | –" for c in cols]
    print(f"| {b} | " + " | ".join(cells) + " |")

print()
print("iap-verifier never-seen vs each peer (same JDK, same threads):")
print()
peers = [b for b in benchmarks if b.startswith("NeverSeenBenchmark.") and b != "NeverSeenBenchmark.iapVerifier"]
print("| peer | " + " | ".join(f"{j} t{t}" for j, t in cols) + " |")
print("|---|" + "---|" * len(cols))
for p in peers:
    row = []
    for c in cols:
        r = runs[c]
        if p in r and "NeverSeenBenchmark.iapVerifier" in r:
            row.append(f"{r['NeverSeenBenchmark.iapVerifier']['primaryMetric']['score'] / r[p]['primaryMetric']['score']:.1f}×")
        else:
            row.append("–")
    print(f"| {p.split('.')[1]} | " + " | ".join(row) + " |")

print()
print("Two threads vs one (same JDK):")
print()
jdks = sorted({j for j, _ in cols})
print("| benchmark | " + " | ".join(jdks) + " |")
print("|---|" + "---|" * len(jdks))
for b in benchmarks:
    row = []
    for j in jdks:
        one, two = runs.get((j, 1), {}).get(b), runs.get((j, 2), {}).get(b)
        row.append(f"{two['primaryMetric']['score'] / one['primaryMetric']['score']:.2f}×" if one and two else "–")
    print(f"| {b} | " + " | ".join(row) + " |")



def per_call(rec, threads):  # ns one call takes on its thread, and B/op
    pm, sm = rec["primaryMetric"], rec.get("secondaryMetrics", {})
    alloc = (sm.get("gc.alloc.rate.norm") or sm.get("·gc.alloc.rate.norm") or {}).get("score")
    return threads * 1e9 / float(pm["score"]), alloc


def dur(ns):
    return f"{ns / 1000:,.1f} µs" if abs(ns) >= 10_000 else f"{ns:,.0f} ns"


kinds = ["repeated", "neverSeen", "garbage", "wrongAudience", "expired"]
adapters = [("servletFilter", "IapFilter alone"), ("iapSecurityChain", "starter's Spring Security chain"),
            ("resourceServerChain", "resource-server chain (spring-cloud-gcp)")]
if any(f"AdapterBenchmark.servletFilter[{k}]" in runs[c] for c in cols for k in kinds):
    print()
    print("Per request through each adapter: time per call on its thread (ops/s ± 99.9% error), B/op:")
    print()
    print("| assertion | adapter | " + " | ".join(f"{j} t{t}" for j, t in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for k in kinds:
        for a, label in adapters:
            row = []
            for c in cols:
                rec = runs[c].get(f"AdapterBenchmark.{a}[{k}]")
                if not rec:
                    row.append("–")
                    continue
                ns, alloc = per_call(rec, c[1])
                pm = rec["primaryMetric"]
                err = float(pm["scoreError"])
                e = "" if err != err else f" ± {fmt(err)}"
                row.append(f"{dur(ns)} ({fmt(float(pm['score']))}{e}/s), {alloc:,.0f} B")
            print(f"| {k} | {label} | " + " | ".join(row) + " |")
    for b, label in [("mockExchangeOnly", "mock exchange, no adapter"), ("verifyRepeated", "bare verify() hit + app"),
                     ("verifyGarbage", "bare verify(): garbage"), ("verifyWrongAudience", "bare verify(): wrong audience"),
                     ("verifyExpired", "bare verify(): expired")]:
        row = []
        for c in cols:
            rec = runs[c].get(f"AdapterBaselineBenchmark.{b}")
            row.append("–" if not rec else f"{dur(per_call(rec, c[1])[0])}, {per_call(rec, c[1])[1]:,.0f} B")
        print(f"| baseline | {label} | " + " | ".join(row) + " |")
    print()
    print("Against the targets (per call on its thread; B/op):")
    print()
    print("| | " + " | ".join(f"{j} t{t}" for j, t in cols) + " |")
    print("|---|" + "---|" * len(cols))

    def derived(label, f):
        row = []
        for c in cols:
            try:
                row.append(f(runs[c], c[1]))
            except (KeyError, TypeError, ZeroDivisionError):
                row.append("–")
        print(f"| {label} | " + " | ".join(row) + " |")

    def over_verify(r, t):
        f, f_b = per_call(r["AdapterBenchmark.servletFilter[repeated]"], t)
        v, v_b = per_call(r["AdapterBaselineBenchmark.verifyRepeated"], t)
        return f"{dur(f - v)}, {f_b - v_b:,.0f} B"

    derived("IapFilter above bare verify() hit, repeated (target ≤ 2 µs, ≤ 2 KB)", over_verify)
    for k in ("neverSeen", "repeated"):
        derived(f"resource-server chain ÷ starter's chain, {k} (time per call)",
                lambda r, t, k=k: f"{per_call(r[f'AdapterBenchmark.resourceServerChain[{k}]'], t)[0] / per_call(r[f'AdapterBenchmark.iapSecurityChain[{k}]'], t)[0]:.1f}×")
    for a, label in adapters:
        for k in ("garbage", "wrongAudience", "expired"):
            derived(f"ES256 check ÷ {label} rejecting {k} (target ≥ 50×)",
                    lambda r, t, a=a, k=k: f"{per_call(r['SignatureBenchmark.es256'], t)[0] / per_call(r[f'AdapterBenchmark.{a}[{k}]'], t)[0]:.0f}×")

ossl = os.path.join(folder, "openssl.txt")
if os.path.exists(ossl):
    with open(ossl) as f:
        for line in f:
            m = re.match(r"\s*256 bits ecdsa \(nistp256\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", line)
            if m:
                print()
                print(f"openssl speed ecdsap256: sign {float(m.group(3)):,.0f}/s, verify {float(m.group(4)):,.0f}/s (one core)")
                for c in cols:
                    r = runs[c].get("NeverSeenBenchmark.iapVerifier")
                    if r and c[1] == 1:
                        print(f"- {c[0]} iap-verifier never-seen / openssl verify: {r['primaryMetric']['score'] / float(m.group(4)):.2f}")

for label in ("jdk17", "jdk25"):
    path = os.path.join(folder, f"cpu-{label}.txt")
    if os.path.exists(path):
        print()
        with open(path) as f:
            lines = [l.rstrip() for l in f if l.startswith("|") or l.startswith("CpuTimePerOp")]
        print("\n".join(lines))
for label in ("jdk17", "jdk25"):
    path = os.path.join(folder, f"rotation-{label}.txt")
    if os.path.exists(path):
        print()
        print(f"Key rotation stress, {label}:")
        print()
        with open(path) as f:
            print("".join("    " + l for l in f))
