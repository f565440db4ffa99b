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



def median(rec):  # the median iteration: a loaded machine starves some iterations, not most
    pm = rec["primaryMetric"]
    return float(pm.get("scorePercentiles", {}).get("50.0", pm["score"]))


def per_call(rec, threads):  # ns one call takes on its thread (median iteration), and B/op
    sm = rec.get("secondaryMetrics", {})
    alloc = (sm.get("gc.alloc.rate.norm") or sm.get("·gc.alloc.rate.norm") or {}).get("score")
    return threads * 1e9 / median(rec), alloc


def dur(ns):
    return f"{ns / 1000:,.1f} µs" if abs(ns) >= 10_000 else f"{ns:,.0f} ns"


kinds = ["repeated", "neverSeen", "garbage", "wrongAudience", "expired"]
adapters = [("servletFilter", "IapFilter alone"), ("iapSecurityChain", "starter's Spring Security chain"),
            ("resourceServerChain", "resource-server chain (spring-cloud-gcp)"),
            ("webFilter", "reactive IapWebFilter, as shipped (inline when the key is held)"),
            ("webFilterInline", "reactive IapWebFilter, Schedulers.immediate() (never hops)"),
            ("reactiveSecurityChain", "starter's reactive Security chain"),
            ("reactiveResourceServerChain", "reactive resource server")]
chains = [("iapSecurityChain", "resourceServerChain", "servlet"),
          ("reactiveSecurityChain", "reactiveResourceServerChain", "reactive")]
if any(f"AdapterBenchmark.servletFilter[{k}]" in runs[c] for c in cols for k in kinds):
    print()
    print("Per request through each adapter: time per call on its thread at the median iteration"
          " (median ops/s, min–max of the iterations), B/op:")
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
                pct = rec["primaryMetric"].get("scorePercentiles", {})
                span = f", {fmt(float(pct['0.0']))}–{fmt(float(pct['100.0']))}" if "0.0" in pct else ""
                row.append(f"{dur(ns)} ({fmt(median(rec))}/s{span}), {alloc:,.0f} B")
            print(f"| {k} | {label} | " + " | ".join(row) + " |")
    for b, label in [("mockExchangeOnly", "mock exchange, no adapter"),
                     ("reactiveExchangeOnly", "reactive exchange, no adapter"), ("verifyRepeated", "bare verify() hit + app"),
                     ("verifyGarbage", "bare verify(): garbage"), ("verifyWrongAudience", "bare verify(): wrong audience"),
                     ("verifyExpired", "bare verify(): expired")]:
        row = []
        for c in cols:
            rec = runs[c].get(f"AdapterBaselineBenchmark.{b}")
            row.append("–" if not rec else f"{dur(per_call(rec, c[1])[0])}, {per_call(rec, c[1])[1]:,.0f} B")
        print(f"| baseline | {label} | " + " | ".join(row) + " |")
    print()
    print("Against the targets (JMH, median iterations; per call on its thread; B/op):")
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
    for iap, rs, stack in chains:
        for k in ("neverSeen", "repeated"):
            derived(f"{stack} resource-server chain ÷ starter's chain, {k} (time per call)",
                    lambda r, t, k=k, iap=iap, rs=rs: f"{per_call(r[f'AdapterBenchmark.{rs}[{k}]'], t)[0] / per_call(r[f'AdapterBenchmark.{iap}[{k}]'], t)[0]:.1f}×")
    for a, label in adapters:
        for k in ("garbage", "wrongAudience", "expired"):
            derived(f"ES256 check ÷ {label} rejecting {k} (target ≥ 50×)",
                    lambda r, t, a=a, k=k: f"{per_call(r['SignatureBenchmark.es256'], t)[0] / per_call(r[f'AdapterBenchmark.{a}[{k}]'], t)[0]:.0f}×")

proxies = ["googleIap", "cloudflareAccess", "awsAlb", "pomerium"]
if any(k.startswith("ProxyBenchmark.") for c in cols for k in runs[c]):
    print()
    print("Per proxy, iap-verifier ÷ nimbus DefaultJWTProcessor with the proxy's keys (JMH, median"
          " iterations, per call on its thread; B/op):")
    print()
    print("| proxy | assertion | " + " | ".join(f"{j} t{t}" for j, t in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for p in proxies:
        for k in ("neverSeen", "repeated"):
            row = []
            for c in cols:
                r = runs[c]
                ours = r.get(f"ProxyBenchmark.iapVerifier[{p},{k}]") or r.get(f"ProxyBenchmark.iapVerifier[{k},{p}]")
                peer = r.get(f"ProxyBenchmark.nimbus[{p},{k}]") or r.get(f"ProxyBenchmark.nimbus[{k},{p}]")
                if not ours or not peer:
                    row.append("–")
                    continue
                o, ob = per_call(ours, c[1])
                n, nb = per_call(peer, c[1])
                row.append(f"{dur(o)} vs {dur(n)}: {n / o:.1f}×; {ob:,.0f} vs {nb:,.0f} B")
            print(f"| {p} | {k} | " + " | ".join(row) + " |")

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

cpu = {}  # label -> {case: ns}
for label in ("jdk17", "jdk25"):
    path = os.path.join(folder, f"cpu-{label}.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                m = re.match(r"\|\s*(.+?)\s*\|\s*([\d.]+) (us|ns)\s*\|", line)  # best round
                if m:
                    cpu.setdefault(label, {})[m.group(1)] = float(m.group(2)) * (1000 if m.group(3) == "us" else 1)
if any("Adapter servletFilter repeated" in c for c in cpu.values()):
    print()
    print("Against the targets (CpuTimePerOp: thread CPU time per request, one thread):")
    print()
    labels = sorted(cpu)
    print("| | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))

    def cpu_row(label, f):
        row = []
        for l in labels:
            try:
                row.append(f(cpu[l]))
            except (KeyError, ZeroDivisionError):
                row.append("–")
        print(f"| {label} | " + " | ".join(row) + " |")

    cpu_row("IapFilter above bare verify() hit, repeated (target ≤ 2 µs)",
            lambda c: dur(c["Adapter servletFilter repeated"] - c["Adapter baseline verifyRepeated"]))
    for iap, rs, stack in chains:
        for k in ("neverSeen", "repeated"):
            cpu_row(f"{stack} resource-server chain ÷ starter's chain, {k}",
                    lambda c, k=k, iap=iap, rs=rs: f"{c[f'Adapter {rs} {k}'] / c[f'Adapter {iap} {k}']:.1f}×")
    for k in ("garbage", "wrongAudience", "expired"):
        cpu_row(f"ES256 check ÷ bare verify() rejecting {k} (target ≥ 50×)",
                lambda c, k=k: f"{c['Signature es256'] / c['Adapter baseline verify' + k[0].upper() + k[1:]]:.0f}×")
    for a, label in adapters:
        for k in ("garbage", "wrongAudience", "expired"):
            cpu_row(f"ES256 check ÷ {label} rejecting {k} (target ≥ 50×)",
                    lambda c, a=a, k=k: f"{c['Signature es256'] / c[f'Adapter {a} {k}']:.0f}×")
    for p in proxies:
        for k in ("neverSeen", "repeated"):
            cpu_row(f"nimbus ÷ iap-verifier, {p} {k}",
                    lambda c, p=p, k=k: f"{c[f'Proxy {p} {k} nimbus'] / c[f'Proxy {p} {k} iapVerifier']:.1f}×")
    for v in ("combG_wnaf8Q", "combG_wnaf12Q", "combG_combQ"):
        cpu_row(f"Precomputation {v} ÷ es256 default (CPU time; < 1 is faster)",
                lambda c, v=v: f"{c[f'Precomputation {v}'] / c['Signature es256']:.2f}")

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
