"""lpt.impedance against its peers, in one run.

1. Fitting: the same N synthetic spectra (R0-p(R1,CPE1)-p(R2,CPE2), parameters
   scattered log-normally around a typical solid-electrolyte cell, 1 % complex
   noise) fitted by lpt (automatic starts, one batched call) and by impedance.py's
   CustomCircuit.fit (one call per spectrum, initial guess = the typical
   parameters, as a user would type them). Both with modulus weighting; chi^2 of
   both computed by the same function. Also impedance.py's example file with the
   circuits of its documentation.
2. DRT: lpt's TR-RBF (NNLS + GCV) against pyimpspec's calculate_drt_tr_rbf
   (cvxopt QP + mGCV) on two-RC spectra of known time constants and the ZARC
   example: wall time and peak time constants.

3. Single spectra and large ones: one 60-point spectrum with a three-arc circuit
   (lpt.fit), the lin-KK and Z-HIT tests per spectrum, and the DRT of 10^4 points.

pyimpspec (GPL-3) and cvxopt (GPL-3) are used here only; lpt never imports them.

Usage: python bench/eis_vs_peers.py [--n 1000] [--n-peer 1000] [--json out/bench_eis.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from datetime import date
from pathlib import Path

# One BLAS thread for every contender: the numbers then measure the algorithms, not
# how a shared 2-core machine schedules threads (pyimpspec runs with num_procs=1).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lpt.impedance.circuit import Circuit  # noqa: E402
from lpt.impedance.drt import calculate_drt  # noqa: E402
from lpt.impedance.fit import chi_square, fit_spectra  # noqa: E402
from lpt.io import read_spectrum as read  # noqa: E402

DATA = ROOT / "tests" / "data" / "eis"
CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
TYPICAL = np.array([10, 50, 1e-7, 0.9, 100, 1e-4, 0.8])


def synthetic(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    c = Circuit(CIRCUIT)
    f = np.logspace(6, -2, 57)
    P = TYPICAL * np.exp(rng.normal(0, 0.2, (n, len(TYPICAL))))
    P[:, [3, 6]] = np.clip(TYPICAL[[3, 6]] + rng.normal(0, 0.03, (n, 2)), 0.5, 0.99)
    Z = c(P, f)
    Z = Z + 0.01 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
    return c, f, P, Z


def bench_fit(n: int, n_peer: int) -> dict:
    from impedance.models.circuits import CustomCircuit

    c, f, P, Z = synthetic(n)
    # The first batch fit of a process imports Numba and loads the compiled loop (or
    # compiles it, once per installation): timed apart, like impedance.py's imports. It
    # must be a batch the compiled loop takes (smaller fits run the NumPy loop).
    from lpt.impedance.lm_kernel import MIN_SPECTRA

    t = time.perf_counter()
    fit_spectra(c, f, Z[:MIN_SPECTRA], weighting="modulus")
    t_first = time.perf_counter() - t
    t = time.perf_counter()
    res = fit_spectra(c, f, Z, weighting="modulus")
    t_lpt = time.perf_counter() - t
    chi_lpt = np.array([r.chi_square for r in res])
    truth = c.canonical_order(P)[0]
    within = np.mean([np.all(np.abs(r.parameters - truth[i]) < 3 * r.stderr) for i, r in enumerate(res)])

    chi_peer, t_peer, failed = [], 0.0, 0
    for i in range(n_peer):
        t = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cc = CustomCircuit(CIRCUIT, initial_guess=list(TYPICAL)).fit(f, Z[i], weight_by_modulus=True)
            chi_peer.append(chi_square(c, cc.parameters_, f, Z[i], "modulus")[0])
        except Exception:  # impedance.py raises RuntimeError when curve_fit gives up
            failed += 1
            chi_peer.append(np.inf)
        t_peer += time.perf_counter() - t
    chi_peer = np.array(chi_peer)
    return {
        "n_spectra": n, "n_spectra_impedance_py": n_peer, "lpt_first_call_s": t_first,
        "lpt_spectra_per_s": n / t_lpt, "impedance_py_spectra_per_s": n_peer / t_peer,
        "speed_ratio": (n / t_lpt) / (n_peer / t_peer),
        "lpt_median_chi2": float(np.median(chi_lpt)), "impedance_py_median_chi2": float(np.median(chi_peer)),
        "impedance_py_failures": failed,
        "fraction_lpt_chi2_le_1.01x_peer": float(np.mean(chi_lpt[:n_peer] <= 1.01 * chi_peer)),
        "lpt_fraction_all_params_within_3_stderr": float(within),
        "lpt_converged_fraction": float(np.mean([r.converged for r in res])),
    }


RECOVERY = {  # circuit: typical parameters (scattered as in `synthetic`)
    "R0-p(R1,CPE1)-G2": np.array([10, 50, 1e-7, 0.9, 100, 1e-2]),
    "R0-TLMQ1": np.array([10, 50, 1e-3, 0.9]),
}


def bench_recovery(n: int) -> dict:
    """Gerischer and transmission-line circuits: n noisy spectra each (57 points,
    1 MHz-10 mHz, 1 % noise), parameters scattered log-normally by 20 % (exponents by
    0.03): the fraction of fits with every parameter within 3 standard errors of the truth."""
    rng = np.random.default_rng(3)
    f = np.logspace(6, -2, 57)
    out = {}
    for text, typical in RECOVERY.items():
        c = Circuit(text)
        P = typical * np.exp(rng.normal(0, 0.2, (n, len(typical))))
        alpha = [k for k, kind in enumerate(c.param_kinds) if kind == "exponent"]
        P[:, alpha] = np.clip(typical[alpha] + rng.normal(0, 0.03, (n, len(alpha))), 0.5, 0.99)
        Z = c(P, f)
        Z = Z + 0.01 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
        t = time.perf_counter()
        res = fit_spectra(c, f, Z)
        wall = time.perf_counter() - t
        truth = c.canonical_order(P)[0]
        within = np.mean([np.all(np.abs(r.parameters - truth[i]) < 3 * r.stderr) for i, r in enumerate(res)])
        out[text] = {"n_spectra": n, "fraction_all_params_within_3_stderr": float(within),
                     "converged_fraction": float(np.mean([r.converged for r in res])), "spectra_per_s": n / wall}
    return out


def bench_example() -> list[dict]:
    from impedance import preprocessing
    from impedance.models.circuits import CustomCircuit

    f, Z = preprocessing.readCSV(str(DATA / "exampleData.csv"))
    f, Z = preprocessing.ignoreBelowX(f, Z)
    rows = []
    for text, guess in [("R0-p(R1,C1)-p(R2-Wo1,C2)", [0.01, 0.01, 100, 0.01, 0.05, 100, 1]),
                        ("R0-p(R1,CPE1)-p(R2,CPE2)-W1", [0.01, 0.01, 100, 0.9, 0.01, 10, 0.8, 0.01]),
                        ("R0-p(R1,CPE1)-p(R2,CPE2)-Wo1", [0.01, 0.01, 100, 0.9, 0.01, 10, 0.8, 0.05, 100])]:
        for weighting in ("unit", "modulus"):
            c = Circuit(text)
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cc = CustomCircuit(text, initial_guess=guess).fit(f, Z, weight_by_modulus=weighting == "modulus")
            t_peer = time.perf_counter() - t
            t = time.perf_counter()
            r = fit_spectra(c, f, Z, weighting=weighting)[0]
            t_lpt = time.perf_counter() - t
            chi_peer = chi_square(c, cc.parameters_, f, Z, weighting)[0]
            rows.append({"circuit": text, "weighting": weighting, "lpt_s": t_lpt, "impedance_py_s": t_peer,
                         "lpt_chi2": r.chi_square, "impedance_py_chi2": float(chi_peer),
                         "chi2_ratio": r.chi_square / chi_peer})
    return rows


def bench_drt(n: int = 20) -> dict:
    try:
        from pyimpspec import DataSet
        from pyimpspec.analysis.drt import calculate_drt_tr_rbf

        import cvxopt  # noqa: F401  (pyimpspec's TR-RBF needs it)
    except ImportError as exc:
        return {"skipped": f"pyimpspec TR-RBF unavailable ({exc}); pip install pyimpspec cvxopt"}
    c = Circuit("R0-p(R1,C1)-p(R2,C2)")
    f = np.logspace(6, -2, 81)
    rng = np.random.default_rng(1)
    taus = np.array([1e-4, 1e-1])
    cases = []
    for _ in range(n):
        Z = c([10, 30, taus[0] / 30, 60, taus[1] / 60], f)
        cases.append(("2RC", f, Z + 1e-3 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))))
    s = read(DATA / "1ZARC.csv")
    cases.append(("1ZARC.csv", s.frequency_Hz, s.z))
    calculate_drt(f, cases[0][2])  # warm-up (imports, BLAS threads)
    t_lpt, t_peer, err_lpt, err_peer, zarc = 0.0, 0.0, [], [], {}
    for name, ff, Z in cases:
        t = time.perf_counter()
        r = calculate_drt(ff, Z)
        t_lpt += time.perf_counter() - t
        t = time.perf_counter()
        p = calculate_drt_tr_rbf(DataSet(frequencies=ff, impedances=Z), num_procs=1)
        t_peer += time.perf_counter() - t
        lpt_tau = np.array(sorted(q.tau_s for q in r.peaks if q.resistance_ohm > 0.05 * max(x.resistance_ohm for x in r.peaks)))
        peer_tau, peer_gamma = p.get_peaks(threshold=0.05)
        peer_tau = np.sort(peer_tau)
        if name == "2RC":
            for tau_set, errs in ((lpt_tau, err_lpt), (peer_tau, err_peer)):
                errs.append(max(np.min(np.abs(tau_set / t0 - 1)) for t0 in taus) if len(tau_set) else np.inf)
        else:
            zarc = {"lpt_peak_tau_s": lpt_tau.tolist(), "pyimpspec_peak_tau_s": peer_tau.tolist()}
    return {"n_spectra": len(cases), "lpt_s_per_spectrum": t_lpt / len(cases),
            "pyimpspec_s_per_spectrum": t_peer / len(cases), "speed_ratio": t_peer / t_lpt,
            "lpt_max_rel_tau_error_2RC": float(np.max(err_lpt)),
            "pyimpspec_max_rel_tau_error_2RC": float(np.max(err_peer)), "1ZARC": zarc}


def bench_single() -> dict:
    """Per-spectrum costs: best and median of 20 runs after a warm-up, in wall time
    and in CPU time of this thread (on a shared machine the wall time includes the
    waits for a core; the CPU time is what a quiet core gives)."""
    from lpt.impedance.validate import kramers_kronig, z_hit

    rng = np.random.default_rng(5)
    c3 = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)")
    f = np.logspace(6, -2, 60)
    Z = c3([10, 50, 1e-8, 0.9, 100, 1e-6, 0.85, 300, 1e-3, 0.8], f)
    Z = Z * (1 + 0.005 * (rng.normal(size=60) + 1j * rng.normal(size=60)))

    def best(fn, n=20):
        fn()
        wall, cpu = [], []
        for _ in range(n):
            t, c = time.perf_counter(), time.thread_time()
            fn()
            wall.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
        return min(wall), float(np.median(wall)), min(cpu), float(np.median(cpu))

    out = {}
    f4 = np.logspace(6, -2, 10_000)
    Z4 = c3([10, 50, 1e-8, 0.9, 100, 1e-6, 0.85, 300, 1e-3, 0.8], f4)
    def compiled_fit():     # one spectrum in the compiled loop (LPT_JIT=1, as a warm session would ask)
        os.environ["LPT_JIT"] = "1"
        try:
            return fit_spectra(c3, f, Z)
        finally:
            del os.environ["LPT_JIT"]

    for name, fn, n, unit in (("fit_3arc_60pt", lambda: fit_spectra(c3, f, Z), 20, 1e3),
                              ("fit_3arc_60pt_compiled", compiled_fit, 20, 1e3),
                              ("linkk", lambda: kramers_kronig(f, Z), 20, 1e3),
                              ("zhit", lambda: z_hit(f, Z), 20, 1e3),
                              ("drt_10k_points", lambda: calculate_drt(f4, Z4), 3, 1.0)):
        w_best, w_median, c_best, c_median = best(fn, n)
        suffix = "ms" if unit == 1e3 else "s"
        out.update({f"{name}_{suffix}_best": w_best * unit, f"{name}_{suffix}_median": w_median * unit,
                    f"{name}_{suffix}_cpu_best": c_best * unit, f"{name}_{suffix}_cpu_median": c_median * unit})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--n-peer", type=int, default=None, help="spectra fitted by impedance.py (default: all)")
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "bench_eis.json")
    args = ap.parse_args()
    n_peer = args.n if args.n_peer is None else min(args.n_peer, args.n)
    import scipy
    doc = {"date": date.today().isoformat(), "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
           "python": platform.python_version(), "cpus": os.cpu_count(),
           "load_average_1min_at_start": os.getloadavg()[0], "numpy": np.__version__, "scipy": scipy.__version__}
    print(f"fitting {args.n} spectra ({n_peer} with impedance.py) ...", file=sys.stderr)
    doc["fit_synthetic"] = bench_fit(args.n, n_peer)
    print(json.dumps(doc["fit_synthetic"], indent=1))
    doc["fit_example"] = bench_example()
    for row in doc["fit_example"]:
        print(f"{row['circuit']:32s} {row['weighting']:8s} lpt {row['lpt_s']*1e3:8.1f} ms  impedance.py "
              f"{row['impedance_py_s']*1e3:9.1f} ms  chi2 ratio lpt/impedance.py {row['chi2_ratio']:.4f}")
    doc["recovery"] = bench_recovery(args.n)
    print(json.dumps(doc["recovery"], indent=1))
    doc["drt"] = bench_drt()
    print(json.dumps(doc["drt"], indent=1))
    print(f"load average (1 min) {os.getloadavg()[0]:.1f}", file=sys.stderr)
    doc["single"] = bench_single()
    print(json.dumps(doc["single"], indent=1))
    doc["load_average_1min_at_end"] = os.getloadavg()[0]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=1))
    fs = doc["fit_synthetic"]
    print(f"\nfit speed ratio lpt/impedance.py: {fs['speed_ratio']:.1f}x; median chi2 lpt {fs['lpt_median_chi2']:.4g} "
          f"vs {fs['impedance_py_median_chi2']:.4g}")
    if "speed_ratio" in doc["drt"]:
        print(f"DRT speed ratio lpt/pyimpspec: {doc['drt']['speed_ratio']:.1f}x")


if __name__ == "__main__":
    main()
