"""`make bench` (issue 14): the project's CPU kernels against NumPy + OpenBLAS and PyTorch on
the same machine, in the same run, interleaved, as ratios.

For each group of rows (score kernel, SDE steps, Fig. 2 sweep, U-Net, classifier) it runs,
round after round, the Go binary of cmd/bench and the peers of bench/peers_cpu.py, rotating
their order every round (gomlx, numpy, torch; numpy, torch, gomlx; ...), so that a change of
the machine's load hits all of them alike. Each process times its computation (median of
--reps calls after a warm-up call); the table gives, per row, the median over rounds and the
range, and the ratio best-peer time / gomlx time (>= 1: gomlx at least as fast). It also
measures the machine's fp32 FMA peak (bench/peak.c, gcc -O3 -march=native) and prints the
load average before and after.

    /usr/bin/python3 bench/compare.py [--rounds 3] [--only score,sde] [--quick] [--out FILE]

Peers need Debian's python3-torch, libopenblas0-pthread and python3-threadpoolctl
(`make bench-setup`). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the NumPy
processes only (env README: they slow a current OpenBLAS); the kernel OpenBLAS then picks is
printed from threadpoolctl.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"

# Groups: name -> (cmd/bench args, peers_cpu.py args, peers that implement it).
# The two argument lists describe the same computation at the same sizes.
GROUPS = {
    "score": (["-what", "score", "-shapes", "2000x768x4096,20000x3072x4096", "-reps", "2"],
              ["--what", "score", "--shapes", "2000x768x4096,20000x3072x4096", "--reps", "2"],
              ("numpy", "torch")),
    "sde": (["-what", "sde", "-reps", "3"], ["--what", "sde", "--reps", "3"], ("numpy", "torch")),
    "fig2": (["-what", "fig2", "-dims", "16,32,64,128,256,512", "-pairs", "1000", "-L", "1000", "-ntimes", "20"],
             ["--what", "fig2", "--dims", "16,32,64,128,256,512", "--pairs", "1000", "--L", "1000", "--ntimes", "20"],
             ("numpy", "torch")),
    "unet": (["-what", "unet", "-reps", "2"], ["--what", "unet", "--reps", "2"], ("torch",)),
    "classifier": (["-what", "classifier", "-reps", "5"], ["--what", "classifier", "--reps", "5"], ("torch",)),
}
# --quick: the same rows at smaller sizes (a check of the harness, not the numbers).
QUICK = {
    "score": (["-shapes", "2000x768x1024"], ["--shapes", "2000x768x1024"]),
    "fig2": (["-dims", "16,64", "-pairs", "200", "-L", "200", "-ntimes", "5"],
             ["--dims", "16,64", "--pairs", "200", "--L", "200", "--ntimes", "5"]),
    "unet": (["-unet-configs", "tiny", "-unet-batches", "16"], ["--unet-configs", "tiny", "--unet-batches", "16"]),
}

LINE = re.compile(r"^(\S.*?) ms=([0-9.]+) min_ms=([0-9.]+) max_ms=([0-9.]+)\s*$")
DROP = re.compile(r"\s(gflops|chunk|params)=\S+")


def key(prefix):
    """The row key: the line's prefix without the fields that differ between libraries."""
    return DROP.sub("", " " + prefix).strip()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(cmd, env=None, log=None):
    t0 = time.time()
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    out = p.stdout + p.stderr
    if log:
        log.write(f"$ {' '.join(cmd)}   # load {loadavg()}, {time.time()-t0:.1f} s\n{out}\n")
        log.flush()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{out[-3000:]}")
    rows, info = {}, []
    for ln in out.splitlines():
        m = LINE.match(ln)
        if m:
            rows[key(m.group(1))] = float(m.group(2))
        elif ln.startswith("#"):
            info.append(ln[1:].strip())
    return rows, info


def build_go(log):
    env = dict(os.environ, GOEXPERIMENT="simd", GOFLAGS="-mod=mod", GOMLX_NO_AUTO_INSTALL="1")
    os.makedirs(os.path.join(ROOT, "out/bench"), exist_ok=True)
    subprocess.run(["go", "build", "-o", "out/bench/bench", "./cmd/bench"], cwd=ROOT, env=env, check=True)
    return env


def peak(log):
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc:
        return "no C compiler: peak not measured"
    exe = os.path.join(ROOT, "out/bench/peak")
    subprocess.run([cc, "-O3", "-march=native", "-pthread", "bench/peak.c", "-o", exe], cwd=ROOT, check=True)
    out = subprocess.run([exe, str(os.cpu_count() or 2)], capture_output=True, text=True, check=True).stdout
    log.write(out)
    return out.strip()


def sig3(v):
    """v with 3 significant digits and no exponent."""
    return f"{v:.0f}" if v >= 100 else f"{v:.3g}"


def fmt_ms(vals):
    if not vals:
        return "–"
    med = statistics.median(vals)
    unit, k = ("s", 1e3) if med >= 1000 else ("ms", 1)
    if len(vals) == 1:
        return f"{sig3(med/k)} {unit}"
    return f"{sig3(med/k)} {unit} [{sig3(min(vals)/k)}–{sig3(max(vals)/k)}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--fig2-rounds", type=int, default=1, help="rounds of the (long) Fig. 2 sweep")
    ap.add_argument("--only", default=",".join(GROUPS), help="groups: " + ",".join(GROUPS))
    ap.add_argument("--quick", action="store_true", help="smaller sizes: a check of the harness")
    ap.add_argument("--reps", help="timed calls per process, every group (default: per group)")
    ap.add_argument("--sde-steps", help="SDE steps per timed call (default 10)")
    ap.add_argument("--score-shapes", help="score kernel shapes nxdxb (default: the issue's two)")
    ap.add_argument("--unet-configs", help="U-Net configs (default tiny,small)")
    ap.add_argument("--unet-batches", help="U-Net batches (default 16,64)")
    ap.add_argument("--fig2-dims", help="Fig. 2 dimensions (default 16,...,512)")
    ap.add_argument("--fig2-pairs", help="Fig. 2 clone pairs (default 1000)")
    ap.add_argument("--out", default="out/bench/compare.md", help="the table, in Markdown")
    ap.add_argument("--log", default="out/bench/compare.log", help="every command and its output")
    a = ap.parse_args()
    os.makedirs(os.path.join(ROOT, "out/bench"), exist_ok=True)
    log = open(os.path.join(ROOT, a.log), "w")
    goenv = build_go(log)
    npenv = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    head = [f"date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average before {loadavg()}"]
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    head.append(f"machine: {cpu}, {os.cpu_count()} CPUs")
    head.append(f"GODEBUG={os.environ.get('GODEBUG', '')!r} (cpu.fma=off: README, pkg/backend FMAOffSetting), GOEXPERIMENT={os.environ.get('GOEXPERIMENT', '')!r}")
    head.append("fp32 FMA peak (bench/peak.c, best of 200 short runs): " + peak(log).replace("\n", "; "))
    results = {}  # row key -> lib -> [ms per round]
    order = []
    libs_all = ["gomlx", "numpy", "torch"]
    for g in a.only.split(","):
        if g not in GROUPS:
            sys.exit(f"compare: unknown group {g!r} (groups: {', '.join(GROUPS)})")
        goargs, pyargs, peers = GROUPS[g]
        goargs, pyargs = list(goargs), list(pyargs)
        if a.quick and g in QUICK:
            goargs += QUICK[g][0]
            pyargs += QUICK[g][1]
        for opt, group, flag in (("reps", g, "reps"), ("sde_steps", "sde", "sde-steps"), ("score_shapes", "score", "shapes"), ("unet_configs", "unet", "unet-configs"),
                                 ("unet_batches", "unet", "unet-batches"), ("fig2_dims", "fig2", "dims"),
                                 ("fig2_pairs", "fig2", "pairs")):
            if getattr(a, opt) and g == group:
                goargs += ["-" + flag, getattr(a, opt)]
                pyargs += ["--" + flag, getattr(a, opt)]
        libs = ["gomlx"] + [p for p in libs_all[1:] if p in peers]
        rounds = a.fig2_rounds if g == "fig2" else a.rounds
        for r in range(rounds):
            rot = libs[r % len(libs):] + libs[:r % len(libs)]
            for lib in rot:
                if lib == "gomlx":
                    rows, info = run(["out/bench/bench"] + goargs, env=goenv, log=log)
                else:
                    env = npenv if lib == "numpy" else os.environ
                    rows, info = run([PY, "bench/peers_cpu.py", "--lib", lib] + pyargs, env=env, log=log)
                for i in info:
                    if i not in head and not i.startswith("scale") and "date:" not in i:
                        head.append(i)
                for k, v in rows.items():
                    if k not in results:
                        results[k] = {}
                        order.append(k)
                    results[k].setdefault(lib, []).append(v)
            print(f"# {g} round {r+1}/{rounds} done, load {loadavg()}", file=sys.stderr, flush=True)
    head.append(f"load average after {loadavg()}")
    lines = [f"- {h}" for h in head]
    lines += ["", "| computation | gomlx | NumPy + OpenBLAS | PyTorch | best peer / gomlx |", "|---|---|---|---|---|"]
    impl = re.compile(r"\simpl=\S+")
    for k in order:
        r = results[k]
        if not r.get("gomlx") and any(impl.sub("", o) == k for o in order if o != k):
            continue  # a peer row, shown beside each gomlx implementation of it
        r = dict(results.get(impl.sub("", k), {}), gomlx=r.get("gomlx"))
        go = statistics.median(r["gomlx"]) if r.get("gomlx") else None
        peers = [statistics.median(r[p]) for p in ("numpy", "torch") if r.get(p)]
        ratio = f"{min(peers)/go:.2f}×" if go and peers else "–"
        lines.append(f"| {k} | {fmt_ms(r.get('gomlx'))} | {fmt_ms(r.get('numpy'))} | {fmt_ms(r.get('torch'))} | {ratio} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(ROOT, a.out), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
