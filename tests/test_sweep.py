"""Sweeps (lpt.sweep): expansion, validation, the vectorized chunk path, crash-safe
Parquet output, resume, Pareto ranking and the CLI.

Everything here runs in-process (``workers=0``); the Dask cluster with a worker
killed mid-sweep is in tests/test_sweep_dask.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lpt.errors import LptError
from lpt.interface import build_inputs
from lpt import metrics
from lpt.sweep import expand, load_results, load_sweep, pareto_front, pareto_ranks, run_sweep
from lpt.sweep import run as run_mod
from lpt.sweep.chunk import ChunkSpec, build_batch, evaluate_chunk, _designs
from lpt.sweep.pareto import _front_mask

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml"


def write_sweep(tmp_path: Path, body: str, name: str = "s.toml", base: Path = BASE) -> Path:
    p = tmp_path / name
    p.write_text(f'base = "{base}"\n' + body)
    return p


SMALL = """
chunk_size = 40
[sampling]
method = "random"
n = 200
seed = 3
[vary]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI", "Pyr13TFSI"]
"interfaces.anode.loading_uL_cm2" = { min = 0.05, max = 8.0, log = true }
"electrolyte.material" = ["LATP", "LLZO"]
"electrolyte.thickness_um" = { min = 30.0, max = 600.0 }
"cathode.loading_mg_cm2" = { min = 1.0, max = 20.0 }
"temperature_C" = [25.0, 60.0]
[outputs]
include = ["asr", "utilization", "capacity", "energy_density", "flammable", "cost"]
"""


# --- expansion ------------------------------------------------------------------------

def test_same_file_gives_same_designs_in_the_same_order_and_the_same_chunk_names(tmp_path):
    p = write_sweep(tmp_path, SMALL)
    a, b = expand(load_sweep(p)), expand(load_sweep(p))
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert [a.sweep.chunk_name(i) for i in range(a.n_chunks)] == [b.sweep.chunk_name(i) for i in range(b.n_chunks)]
    assert a.n == 200 and a.n_chunks == 5
    # any change of content (here the seed) is another sweep with other chunk names
    q = write_sweep(tmp_path, SMALL.replace("seed = 3", "seed = 4"), "t.toml")
    assert load_sweep(q).sweep_id != a.sweep.sweep_id
    # comments and the sweep's name do not change what is computed
    r = write_sweep(tmp_path, "# a comment\nname = 'x'\n" + SMALL, "u.toml")
    assert load_sweep(r).sweep_id == a.sweep.sweep_id


def test_factorial_order_last_key_fastest_and_levels_inclusive(tmp_path):
    p = write_sweep(tmp_path, """
[vary]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI"]
"interfaces.anode.loading_uL_cm2" = { min = 0.1, max = 10.0, log = true, levels = 3 }
""")
    f = expand(load_sweep(p)).frame
    assert list(f["interfaces.anode.liquid"]) == ["LP30"] * 3 + ["LiG3TFSI"] * 3
    assert np.allclose(f["interfaces.anode.loading_uL_cm2"], [0.1, 1.0, 10.0] * 2)


def test_latin_hypercube_puts_one_design_in_each_stratum(tmp_path):
    p = write_sweep(tmp_path, """
[sampling]
method = "lhs"
n = 50
seed = 9
[vary]
"electrolyte.thickness_um" = { min = 100.0, max = 600.0 }
"stack_pressure_MPa" = { min = 1, max = 50 }
""")
    f = expand(load_sweep(p)).frame
    strata = np.floor((f["electrolyte.thickness_um"] - 100.0) / 500.0 * 50).astype(int)
    assert sorted(strata) == list(range(50))
    # both ends are whole numbers → whole-number samples
    assert f["stack_pressure_MPa"].dtype.kind == "i"


@pytest.mark.parametrize("body, match", [
    ('[vary]\n"electrolyte.thickness_um" = { min = 0.01, max = 100.0, levels = 3 }\n',
     r"s.toml \(\[vary\] applied to latp_carbonate_lfp.toml\): field 'electrolyte.thickness_um' = 0.01 is outside"),
    ('[vary]\n"interfaces.anode.liquid" = ["LP30", "LP3O"]\n',
     r"s.toml .*'interfaces.anode.liquid'.*LP3O.*did you mean \"LP30\""),
    ('[vary]\n"cathode.loadng_mg_cm2" = [1.0, 2.0]\n', r"s.toml .*unknown key 'cathode.loadng_mg_cm2'.*did you mean"),
    ('[sampling]\nmethod = "lhs"\nn = 10\n[vary]\n"cathode.porosity" = { min = 0.1, max = 0.95 }\n', r"'cathode.porosity' = 0.95 is outside"),
    ('[vary]\n"temperature_C" = [25.0]\n[outputs]\ninclude = ["asr", "energy"]\n',
     r"\[outputs\] 'energy' is not an output \(did you mean \"energy_density\"\?\)"),
    ('[sampling]\nmethod = "sobol"\n[vary]\n"temperature_C" = [25.0]\n', r"method 'sobol'"),
    ('[sampling]\nmethod = "random"\n[vary]\n"temperature_C" = [25.0]\n', r"\[sampling\] n must be"),
    ('[vary]\n"temperature_C" = { min = 10.0, max = 60.0 }\n', r"needs 'levels'"),
    ('[vary]\n"temperature_C" = ["hot", 25.0]\n', r"mixes texts and numbers"),
    ('[vary]\n', r"\[vary\] is empty"),
    ('[sampling]\nmethod = "random"\nn = 4\n[vary]\n"temperature_C" = { min = -1.0, max = 60.0, log = true }\n',
     r"log-spaced, so min must be above 0"),
])
def test_bad_sweep_values_are_one_sentence_naming_file_and_key(tmp_path, body, match):
    p = write_sweep(tmp_path, body)
    with pytest.raises(LptError, match=match) as err:
        expand(load_sweep(p))
    assert "\n" not in str(err.value)


def test_missing_base_and_bad_toml(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('base = "nope.toml"\n[vary]\n"temperature_C" = [25.0]\n')
    with pytest.raises(LptError, match=r"base design 'nope.toml' does not exist"):
        load_sweep(p)
    p.write_text("base = \n")
    with pytest.raises(LptError, match="is not valid TOML"):
        load_sweep(p)


def test_therapy_none_is_a_dry_interface_and_identical_designs_are_kept_once(tmp_path):
    # 3 therapies' worth of choices × 2 liquids × 2 loadings: the dry arm is 1 design,
    # not 4 copies of it with a liquid it does not have
    p = write_sweep(tmp_path, """
[vary]
"interfaces.anode.therapy" = ["none", "wetting"]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI"]
"interfaces.anode.loading_uL_cm2" = [0.5, 2.0]
""")
    plan = expand(load_sweep(p))
    f = plan.frame
    assert plan.n_sampled == 8 and plan.n == 5 and plan.n_collapsed == 3
    dry = f[f["interfaces.anode.therapy"] == "none"]
    assert len(dry) == 1 and pd.isna(dry["interfaces.anode.liquid"]).all()
    assert dry["interfaces.anode.loading_uL_cm2"].isna().all()
    out, _ = evaluate_chunk(ChunkSpec(plan.sweep.base_raw, plan.sweep.source, ("asr", "flammable")), f)
    # the dry anode equals the untreated arm of any wet design
    wet = out[out["interfaces.anode.therapy"] == "wetting"]
    assert out.loc[dry.index, "asr_anode_ohm_cm2"].iat[0] == pytest.approx(wet["asr_anode_untreated_ohm_cm2"].iat[0])


def test_a_varied_key_that_no_design_uses_is_an_error(tmp_path):
    p = write_sweep(tmp_path, """
[vary]
"interfaces.anode.therapy" = ["none"]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI"]
""")
    with pytest.raises(LptError, match=r"\[vary\] 'interfaces.anode.liquid' has no effect"):
        expand(load_sweep(p))


# --- the vectorized chunk path ------------------------------------------------------

WIDE = """
[sampling]
method = "random"
n = 300
seed = 11
[vary]
"interfaces.anode.therapy" = ["none", "wetting", "polymerization"]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI"]
"interfaces.anode.precursor" = ["PEGMEA", "PETEA"]
"interfaces.anode.loading_uL_cm2" = { min = 0.05, max = 8.0, log = true }
"interfaces.cathode.loading_uL_cm2" = { min = 0.05, max = 8.0, log = true }
"electrolyte.material" = ["LATP", "LLZO", "LPSCl"]
"electrolyte.thickness_um" = { min = 30.0, max = 600.0 }
"electrolyte.relative_density" = { min = 0.8, max = 1.0 }
"cathode.material" = ["LFP", "NCM811"]
"cathode.loading_mg_cm2" = { min = 1.0, max = 20.0 }
"cathode.thickness_um" = { min = 20.0, max = 120.0 }
"cathode.porosity" = { min = 0.1, max = 0.4 }
"cathode.sse_volume_fraction" = { min = 0.0, max = 0.4 }
"anode.thickness_um" = { min = 5.0, max = 200.0 }
"temperature_C" = { min = 0.0, max = 80.0 }
"stack_pressure_MPa" = { min = 0.1, max = 20.0, log = true }
"cycling.c_rate" = [0.1, 1.0]
"""


def _array_fields(batch, prefix=""):
    import dataclasses

    for f in dataclasses.fields(batch):
        v = getattr(batch, f.name)
        if dataclasses.is_dataclass(v):
            yield from _array_fields(v, f"{prefix}{f.name}.")
        elif isinstance(v, np.ndarray):
            yield prefix + f.name, v


def test_chunk_inputs_equal_build_inputs_design_by_design(tmp_path):
    # A chunk and a list of designs go through one path (DesignBatch): the chunk's
    # arrays equal build_inputs on every design, bit for bit.
    plan = expand(load_sweep(write_sweep(tmp_path, WIDE)))
    spec = ChunkSpec(plan.sweep.base_raw, plan.sweep.source, ("asr",))
    batch = build_batch(spec, plan.frame)
    designs = _designs(spec, plan.frame, batch)
    ref_x, ref_xu, ref_s = build_inputs(designs), build_inputs(designs, untreated=True), metrics.stack_of(designs)
    for got, ref in ((batch.x, ref_x), (batch.xu, ref_xu), (batch.stack, ref_s)):
        got_fields = dict(_array_fields(got))
        for name, b in _array_fields(ref):
            np.testing.assert_array_equal(got_fields[name], b, err_msg=name)


def test_chunk_results_equal_the_single_design_reports(tmp_path):
    from lpt.interface import asr_report

    plan = expand(load_sweep(write_sweep(tmp_path, SMALL)))
    spec = ChunkSpec(plan.sweep.base_raw, plan.sweep.source, plan.sweep.outputs)
    frame = plan.frame.iloc[:12]
    out, _ = evaluate_chunk(spec, frame)
    designs = _designs(spec, frame.reset_index(drop=True), build_batch(spec, frame.reset_index(drop=True)))
    for i, d in enumerate(designs):
        a = asr_report(d)
        util = a["cathode_utilization"]["treated"]
        m = metrics.metrics_report(d, utilization=util)
        assert out["asr_anode_ohm_cm2"].iat[i] == pytest.approx(a["interfaces"]["anode"]["treated_ohm_cm2"], rel=1e-12)
        assert out["asr_cathode_untreated_ohm_cm2"].iat[i] == pytest.approx(
            a["interfaces"]["cathode"]["untreated_ohm_cm2"], rel=1e-12)
        assert out["cathode_utilization"].iat[i] == pytest.approx(util, rel=1e-12)
        assert out["delivered_gravimetric_energy_density_Wh_kg"].iat[i] == pytest.approx(
            m["gravimetric_energy_density_Wh_kg"], rel=1e-12)
        assert out["flammable_liquid_mg_Wh"].iat[i] == pytest.approx(
            metrics.metrics_report(d)["flammable_liquid_mg_Wh"], rel=1e-12)


# --- running: files, resume, crashes --------------------------------------------------

def _chunk_files(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("chunk-*.parquet")}


def test_run_writes_one_row_per_design_and_a_rerun_computes_nothing(tmp_path):
    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"
    s1 = run_sweep(p, out, workers=0)
    assert sorted(s1.computed) == list(range(5)) and not s1.skipped
    df = load_results(out)
    assert list(df["design_id"]) == list(range(200))
    assert {"asr_total_ohm_cm2", "gravimetric_energy_density_Wh_kg", "flammable_liquid_mg_Wh",
            "liquid_cost_USD_Wh", "safety_class", "electrolyte.thickness_um"} <= set(df.columns)
    before = _chunk_files(out)
    s2 = run_sweep(p, out, workers=0)
    assert not s2.computed and sorted(s2.skipped) == list(range(5))
    assert _chunk_files(out) == before


def test_interrupted_sweep_resumes_without_recomputing_finished_chunks(tmp_path):
    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"

    class Interrupt(Exception):
        pass

    def stop_after_two(i, path):
        if len(list(out.glob("chunk-*.parquet"))) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_sweep(p, out, workers=0, on_chunk_written=stop_after_two)
    done = _chunk_files(out)
    assert len(done) == 2
    computed = []
    s = run_sweep(p, out, workers=0, on_chunk_written=lambda i, path: computed.append(i))
    assert len(s.skipped) == 2 and len(computed) == 3
    after = _chunk_files(out)
    assert all(after[name] == done[name] for name in done)  # same inode, same mtime: untouched
    full = tmp_path / "full"
    run_sweep(p, full, workers=0)
    pd.testing.assert_frame_equal(load_results(out), load_results(full))


def test_a_crash_while_writing_leaves_no_partial_file_under_a_final_name(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"
    real = pq.write_table
    calls = {"n": 0}

    def crash_on_third(table, where, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            where.write(b"PAR1 half a footer")  # bytes reach the disk, then the process "dies"
            raise OSError("disk unplugged")
        return real(table, where, **kw)

    monkeypatch.setattr(pq, "write_table", crash_on_third)
    with pytest.raises(OSError, match="disk unplugged"):
        run_sweep(p, out, workers=0)
    finals = list(out.glob("chunk-*.parquet"))
    assert len(finals) == 2
    for f in finals:
        assert pq.read_metadata(f).num_rows == 40
    assert not list(out.glob(".chunk-*"))  # the temporary file was removed
    # a hard kill mid-write leaves a temporary file: ignored by readers, removed by the rerun
    (out / f".{load_sweep(p).chunk_name(2)}.999.tmp").write_bytes(b"PAR1 torn")
    assert len(load_results(out)) == 80
    monkeypatch.setattr(pq, "write_table", real)
    s = run_sweep(p, out, workers=0)
    assert len(s.computed) == 3 and not list(out.glob(".chunk-*"))
    assert len(load_results(out)) == 200


def test_a_failing_chunk_is_one_sentence_and_the_others_are_kept(tmp_path, monkeypatch):
    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"
    real = run_mod.evaluate_chunk

    def fail_on_chunk_1(spec, frame):
        if frame["design_id"].iat[0] == 40:
            raise ValueError("the model diverged")
        return real(spec, frame)

    monkeypatch.setattr(run_mod, "evaluate_chunk", fail_on_chunk_1)
    with pytest.raises(LptError) as err:
        run_sweep(p, out, workers=0)
    msg = str(err.value)
    assert "chunk 1 (designs 40–79) failed: ValueError: the model diverged" in msg
    assert "the 4 finished chunks are kept" in msg and "\n" not in msg
    assert len(list(out.glob("chunk-*.parquet"))) == 4


def test_a_folder_of_another_sweep_is_refused(tmp_path):
    out = tmp_path / "out"
    run_sweep(write_sweep(tmp_path, SMALL), out, workers=0)
    other = write_sweep(tmp_path, SMALL.replace("seed = 3", "seed = 5"), "o.toml")
    with pytest.raises(LptError, match="holds the results of another sweep"):
        run_sweep(other, out, workers=0)


# --- Pareto -------------------------------------------------------------------------------

def test_pareto_front_of_a_known_set():
    # minimize a, maximize b: (1,1) (2,3) (3,4) are the front; (2,2) is dominated by
    # (2,3); (3,3) by (2,3); a duplicate of a front point is on the front too; a design
    # with a missing objective is not ranked
    df = pd.DataFrame({"a": [1, 2, 2, 3, 3, 2, np.nan], "b": [1, 3, 2, 4, 3, 3, 9]})
    mask = pareto_front(df, [("a", "min"), ("b", "max")])
    assert list(mask) == [True, True, False, True, False, True, False]
    ranks = pareto_ranks(df, [("a", "min"), ("b", "max")], max_rank=3)
    assert list(ranks) == [1, 1, 2, 1, 2, 1, 0]


def test_pareto_blocks_agree_with_brute_force():
    rng = np.random.default_rng(0)
    M = rng.random((3000, 3))
    M[::7] = M[1::7][: len(M[::7])]  # ties
    fast = _front_mask(M, block=128)
    le = (M[:, None, :] <= M[None, :, :]).all(-1)
    lt = (M[:, None, :] < M[None, :, :]).any(-1)
    brute = ~(le & lt).any(axis=0)
    assert np.array_equal(fast, brute)


def test_pareto_cli_json_and_plot(tmp_path, capsys):
    import json

    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"
    run_sweep(p, out, workers=0)
    png = tmp_path / "front.png"
    code = run_cli(["sweep", "pareto", str(out), "--plot", str(png), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert doc["n_designs"] == 200 and doc["n_front"] == len(doc["front"]) > 0
    assert [o["column"] for o in doc["objectives"]] == [
        "asr_total_ohm_cm2", "delivered_gravimetric_energy_density_Wh_kg", "flammable_liquid_mg_Wh"]
    assert png.exists() and png.stat().st_size > 10_000
    code = run_cli(["sweep", "pareto", str(out), "--objectives", "asr_total_ohm_cm2:min,nope", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: objective 'nope' is not a column") and err.count("\n") == 1


# --- CLI -----------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> int:
    """`lpt ARGV` in this process, through lpt.cli.main's error handling."""
    from lpt import cli

    old_argv = sys.argv
    sys.argv = ["lpt", *argv]
    try:
        cli.main()
        return 0
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = old_argv


def test_cli_run_json_then_rerun_skips(tmp_path, capsys):
    import json

    p = write_sweep(tmp_path, SMALL)
    out = tmp_path / "out"
    assert run_cli(["sweep", str(p), "--out", str(out), "--workers", "0", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["n_designs"] == 200 and doc["computed_chunks"] == 5 and len(doc["files"]) == 5
    assert run_cli(["sweep", "run", str(p), "--out", str(out), "--workers", "0", "--json", "--pareto"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["computed_chunks"] == 0 and doc["skipped_chunks"] == 5 and doc["pareto"]["n_front"] > 0


def test_cli_bad_sweep_is_one_sentence(tmp_path, capsys):
    p = write_sweep(tmp_path, '[vary]\n"electrolyte.thickness_um" = [0.01]\n')
    code = run_cli(["sweep", str(p), "--out", str(tmp_path / "o"), "--workers", "0"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {p} ([vary] applied to") and err.count("\n") == 1
    assert "electrolyte.thickness_um" in err


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "sweeps").glob("*.toml")), ids=lambda p: p.name)
def test_shipped_sweep_files_expand(path):
    plan = expand(load_sweep(path))
    assert plan.n > 0 and plan.frame["design_id"].is_unique


def test_a_key_without_a_rule_takes_the_exact_path(tmp_path):
    # cathode.particle_radius_um has no vectorized rule: each distinct value is its
    # a numeric key varies within one group: one look-up, the numbers as arrays
    p = write_sweep(tmp_path, """
[sampling]
method = "random"
n = 20
[vary]
"cathode.particle_radius_um" = { min = 0.1, max = 5.0 }
"stack_pressure_MPa" = { min = 0.5, max = 5.0 }
""")
    plan = expand(load_sweep(p))
    spec = ChunkSpec(plan.sweep.base_raw, plan.sweep.source, ("asr", "utilization"))
    out, stats = evaluate_chunk(spec, plan.frame)
    assert stats["groups"] == 1
    from lpt.interface import asr_report

    d = _designs(spec, plan.frame, build_batch(spec, plan.frame))[7]
    assert d.cathode.particle_radius_um == pytest.approx(plan.frame["cathode.particle_radius_um"].iat[7])
    assert out["cathode_utilization"].iat[7] == pytest.approx(asr_report(d)["cathode_utilization"]["treated"], rel=1e-12)


def test_a_vary_key_that_is_not_a_design_key_is_refused_with_did_you_mean(tmp_path):
    """`cathode.porosity.x` once skipped validation and reached the model as 200 %
    porosity; a key must be one a design file may set."""
    p = write_sweep(tmp_path, '[sampling]\nmethod = "factorial"\n[vary]\n"cathode.porosity.x" = [0.2, 0.5]\n')
    with pytest.raises(LptError, match="unknown key .cathode.porosity.x., not a key of a design file.*did you mean.*cathode.porosity"):
        load_sweep(p)
