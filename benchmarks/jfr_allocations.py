#!/usr/bin/env python3
"""Where a benchmark's allocations go, from a JFR recording's jdk.ObjectAllocationSample events.

Only samples taken inside the timed benchmark method count (stacks through a JMH "_jmhStub"
frame), so set-up (minting tokens) is left out. Each sample's weight is spread over the bytes per
operation that -prof gc measured (pass it as the second argument), giving an estimate of bytes per
operation per call site: by library (the first frame, from the allocation upwards, that is not the
JDK's), by iap-verifier's innermost frame, and BouncyCastle's share by its allocating method.
Samples are statistical: read shares under ~1% as "small", not as figures.

  java -jar benchmarks/target/benchmarks.jar 'NeverSeenBenchmark.iapVerifier$' -f 1 -wi 3 -i 5 \\
      -prof gc -jvmArgsAppend "-XX:StartFlightRecording=filename=miss.jfr,settings=profile"
  python3 benchmarks/jfr_allocations.py miss.jfr 94345
"""
import collections
import json
import os
import subprocess
import sys

recording, per_op = sys.argv[1], float(sys.argv[2])
jfr = os.environ.get("JFR", "jfr")
out = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events",
                      "jdk.ObjectAllocationSample", recording], check=True, capture_output=True, text=True)
events = json.loads(out.stdout)["recording"]["events"]

LIBS = [("org.bouncycastle", "BouncyCastle"), ("com.nimbusds", "nimbus-jose-jwt (Gson)"),
        ("io.github.iapverifier.benchmarks", "benchmark"), ("io.github.iapverifier", "iap-verifier"),
        ("com.github.benmanes", "Caffeine"), ("org.openjdk.jmh", "JMH"), ("org.springframework", "Spring")]
by_lib, by_ours, by_bc = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    v = e["values"]
    frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
             + ":" + str(f.get("lineNumber")) for f in frames]
    if not any("_jmhStub" in n for n in names):
        continue
    w = v["weight"]
    total += w
    lib = next((label for n in names for prefix, label in LIBS if n.startswith(prefix)), "JDK only")
    by_lib[lib] += w
    ours = next((n for n in names if n.startswith("io.github.iapverifier.")
                 and ".benchmarks." not in n), "(none)")
    callee = next((n for n in names if not n.startswith("java.") and not n.startswith("jdk.")
                   and not n.startswith("sun.")), "")
    by_ours[(ours, lib if lib != "iap-verifier" else "JDK, called by iap-verifier",
             v["objectClass"]["name"].replace("/", "."))] += w
    if lib == "BouncyCastle":
        by_bc[(callee.rsplit(":", 1)[0], v["objectClass"]["name"].replace("/", "."))] += w

if not total:
    sys.exit("no allocation samples inside a benchmark method")
print(f"{len(events)} samples; bytes per op estimated from -prof gc's {per_op:,.0f} B/op")
print()
print("| library (first non-JDK frame) | share | ≈ B/op |")
print("|---|---|---|")
for k, w in by_lib.most_common():
    print(f"| {k} | {100 * w / total:.1f}% | {per_op * w / total:,.0f} |")
print()
print("| iap-verifier frame (innermost), outside BouncyCastle | allocated by | type | ≈ B/op |")
print("|---|---|---|---|")
for (ours, lib, cls), w in by_ours.most_common(25):
    if per_op * w / total >= 40 and lib != "BouncyCastle":
        print(f"| {ours} | {lib} | {cls} | {per_op * w / total:,.0f} |")
print()
print("| BouncyCastle allocating method | type | ≈ B/op |")
print("|---|---|---|")
for (m, cls), w in by_bc.most_common(8):
    print(f"| {m} | {cls} | {per_op * w / total:,.0f} |")
