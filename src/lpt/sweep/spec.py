"""Sweep files: parse, expand into designs, validate (docs/sweeps.md).

A sweep file names a base design and what to vary::

    base = "../table1/latp_carbonate_lfp.toml"     # relative to the sweep file
    chunk_size = 10000

    [sampling]
    method = "lhs"          # factorial | random | lhs
    n = 5000
    seed = 1

    [vary]
    "interfaces.anode.liquid" = ["LP30", "LiG3TFSI"]                 # choices
    "interfaces.anode.loading_uL_cm2" = { min = 0.1, max = 10, log = true }   # range

    [outputs]
    include = ["asr", "energy_density", "flammable"]

Expansion is deterministic: the same file gives the same designs in the same order,
so chunk ``k`` of a sweep always holds the same designs and is named by a hash of the
sweep's canonical content (file + base design) and ``k``.

Every expanded design is checked by the design loader itself
(:func:`lpt.design.design_from_dict`): each combination of the text-valued choices at
the smallest and at the largest value of every numeric key, and the first design of
each combination, so a bad value fails with the loader's sentence before any work.

Therapy keys are normalized: an interface whose therapy (given or varied) does not
take a key drops it for that design — ``therapy = "none"`` is a dry interface, whatever
liquid or loading the other keys name.  Designs that become identical this way are
kept once (``Plan.n_collapsed`` counts them), and the dropped values are empty in the
results.  A varied key that no design uses is an error.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lpt import overrides, therapies
from lpt.design import Design, design_from_dict, design_keys, therapy_keys
from lpt.errors import LptError, did_you_mean
from lpt.fileio import read_toml

OUTPUTS = ("asr", "utilization", "capacity", "energy_density", "flammable", "cost", "screening",
           "cycle_life")
DEFAULT_OUTPUTS = ("asr", "utilization", "capacity", "energy_density", "flammable", "cost")
METHODS = ("factorial", "random", "lhs")
_TOP_KEYS = ("name", "description", "base", "chunk_size", "sampling", "vary", "outputs")
_SAMPLING_KEYS = ("method", "n", "seed", "levels")
_RANGE_KEYS = ("min", "max", "log", "levels")
_OUTPUT_KEYS = ("include", "cycles")
MAX_DESIGNS = 100_000_000
SIDES = ("anode", "cathode")


@dataclass(frozen=True)
class Choices:
    """A key takes each of these values."""

    key: str
    values: tuple


@dataclass(frozen=True)
class Range:
    """A key spans ``[min, max]``, uniformly or log-uniformly; whole numbers if both ends are."""

    key: str
    min: float
    max: float
    log: bool = False
    integer: bool = False
    levels: int | None = None   # factorial only

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform ``u`` in [0, 1) onto the range."""
        if self.integer:
            if self.log:
                lo, hi = math.log(self.min), math.log(self.max + 1)
                return np.minimum(np.floor(np.exp(lo + u * (hi - lo))), self.max).astype(np.int64)
            return (self.min + np.floor(u * (self.max - self.min + 1))).astype(np.int64)
        if self.log:
            lo, hi = math.log(self.min), math.log(self.max)
            return np.exp(lo + u * (hi - lo))
        return self.min + u * (self.max - self.min)

    def grid(self) -> np.ndarray:
        """The factorial levels: evenly (or log-evenly) spaced, ends included."""
        k = self.levels
        vals = np.geomspace(self.min, self.max, k) if self.log else np.linspace(self.min, self.max, k)
        return np.unique(np.round(vals).astype(np.int64)) if self.integer else vals


@dataclass
class Sweep:
    """A parsed sweep file."""

    path: Path
    name: str
    base_path: Path
    base_raw: dict
    method: str
    n: int | None
    seed: int
    vary: list[Choices | Range]
    outputs: tuple[str, ...]
    cycles: int | None
    chunk_size: int
    sweep_id: str            # hash of the canonical content (file + base design)

    @property
    def keys(self) -> list[str]:
        return [v.key for v in self.vary]

    @property
    def source(self) -> str:
        """How design errors name where the bad value came from."""
        return f"{self.path} ([vary] applied to {self.base_path.name})"

    def chunk_id(self, index: int) -> str:
        return hashlib.sha256(f"{self.sweep_id}:{index}".encode()).hexdigest()[:16]

    def chunk_name(self, index: int) -> str:
        return f"chunk-{index:05d}-{self.chunk_id(index)}.parquet"


@dataclass
class Plan:
    """The expanded sweep: one row per design, one column per varied key (+ ``design_id``)."""

    sweep: Sweep
    frame: pd.DataFrame
    n_sampled: int
    n_collapsed: int = 0
    combos_validated: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def n_chunks(self) -> int:
        return max(1, -(-self.n // self.sweep.chunk_size))

    def chunk(self, index: int) -> pd.DataFrame:
        cs = self.sweep.chunk_size
        return self.frame.iloc[index * cs:(index + 1) * cs]


# --- parsing -----------------------------------------------------------------------

def _check_keys(table: Any, allowed: tuple[str, ...], where: str, src: Path) -> dict:
    if not isinstance(table, dict):
        raise LptError(f"{src}: '{where}' must be a table, got {type(table).__name__}.")
    for key in table:
        if key not in allowed:
            raise LptError(f"{src}: unknown key '{where + '.' if where else ''}{key}'"
                           f"{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}.")
    return table


def _number(val: Any, what: str, src: Path) -> float:
    if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
        raise LptError(f"{src}: {what} must be a finite number, got {val!r}.")
    return val


def _parse_vary_item(key: str, spec: Any, method: str, default_levels: int | None, src: Path) -> Choices | Range:
    where = f"[vary] '{key}'"
    if key.split(".")[0] in ("reported", "name", "description"):
        raise LptError(f"{src}: {where} is not a design parameter; vary the cell's keys "
                       f"(materials, thicknesses, loadings, therapies, temperature, ...).")
    if key not in design_keys():
        raise LptError(f"{src} ([vary]): unknown key '{key}', not a key of a design file"
                       f"{did_you_mean(key, design_keys())}; "
                       f"keys are written as in the design, e.g. 'cathode.porosity' or "
                       f"'interfaces.anode.loading_uL_cm2'.")
    if isinstance(spec, list):
        if not spec:
            raise LptError(f"{src}: {where} has an empty list of choices.")
        kinds = {type(v) for v in spec}
        if not (kinds <= {str} or kinds <= {int, float}):
            raise LptError(f"{src}: {where} mixes texts and numbers or holds tables; "
                           f"choices must be all texts or all numbers.")
        if kinds <= {int, float}:
            for v in spec:
                _number(v, f"{where} choice", src)
        if len(set(spec)) != len(spec):
            raise LptError(f"{src}: {where} lists a choice twice.")
        return Choices(key, tuple(spec))
    if isinstance(spec, dict):
        _check_keys(spec, _RANGE_KEYS, f"vary.{key}", src)
        for end in ("min", "max"):
            if end not in spec:
                raise LptError(f"{src}: {where} needs '{end}' (a range is {{min = ..., max = ...}}).")
        lo = _number(spec["min"], f"{where} min", src)
        hi = _number(spec["max"], f"{where} max", src)
        if lo > hi:
            raise LptError(f"{src}: {where} has min {lo:g} above max {hi:g}.")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise LptError(f"{src}: {where} log must be true or false, got {log!r}.")
        if log and lo <= 0:
            raise LptError(f"{src}: {where} is log-spaced, so min must be above 0 (got {lo:g}).")
        levels = spec.get("levels", default_levels)
        if method == "factorial":
            if levels is None:
                raise LptError(f"{src}: {where} is a range in a factorial sweep and needs 'levels' "
                               f"(or [sampling] levels), the number of values to take.")
            if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
                raise LptError(f"{src}: {where} levels must be a whole number of at least 1, got {levels!r}.")
        elif "levels" in spec:
            raise LptError(f"{src}: {where} levels applies to factorial sweeps only "
                           f"(method is '{method}').")
        integer = isinstance(spec["min"], int) and isinstance(spec["max"], int)
        return Range(key, float(lo), float(hi), log, integer, levels)
    if isinstance(spec, (str, int, float)) and not isinstance(spec, bool):
        return Choices(key, (spec,))
    raise LptError(f"{src}: {where} must be a list of choices, a range {{min, max, log}} "
                   f"or a single value, got {spec!r}.")


def _canonical(raw_sweep: dict, base_raw: dict) -> str:
    """The sweep's identity: the parsed file (with [vary] in file order) and the base design."""
    doc = {k: v for k, v in raw_sweep.items() if k not in ("vary", "name", "description", "base")}
    doc["vary"] = [[k, v] for k, v in raw_sweep.get("vary", {}).items()]
    doc["base"] = base_raw
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file (not yet expanded); every problem is one sentence."""
    src = Path(path)
    raw = read_toml(src, "sweep")
    _check_keys(raw, _TOP_KEYS, "", src)
    if "base" not in raw or not isinstance(raw["base"], str) or not raw["base"].strip():
        raise LptError(f"{src}: 'base' must name the base design file, relative to the sweep file.")
    base_path = (src.parent / raw["base"]).resolve() if not Path(raw["base"]).is_absolute() else Path(raw["base"])
    if not base_path.exists():
        raise LptError(f"{src}: base design '{raw['base']}' does not exist (looked for {base_path}).")
    base_raw = read_toml(base_path, "design")
    design_from_dict(copy.deepcopy(base_raw), str(base_path))  # the base itself must be valid

    samp = _check_keys(raw.get("sampling", {}), _SAMPLING_KEYS, "sampling", src)
    method = samp.get("method", "factorial")
    if method not in METHODS:
        raise LptError(f"{src}: [sampling] method '{method}' is not a sampling method"
                       f"{did_you_mean(str(method), METHODS)}; allowed: {', '.join(METHODS)}.")
    n = samp.get("n")
    if method == "factorial" and n is not None:
        raise LptError(f"{src}: [sampling] n does not apply to method 'factorial' "
                       f"(its size is the product of the choices and levels).")
    if method != "factorial":
        if isinstance(n, bool) or not isinstance(n, int) or not (1 <= n <= MAX_DESIGNS):
            raise LptError(f"{src}: [sampling] n must be a whole number from 1 to {MAX_DESIGNS:,} "
                           f"for method '{method}', got {n!r}.")
    seed = samp.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise LptError(f"{src}: [sampling] seed must be a whole number of at least 0, got {seed!r}.")
    levels = samp.get("levels")
    if levels is not None and method != "factorial":
        raise LptError(f"{src}: [sampling] levels applies to factorial sweeps only (method is '{method}').")

    vary_raw = raw.get("vary", {})
    if not isinstance(vary_raw, dict):
        raise LptError(f"{src}: [vary] must be a table of design keys, got {type(vary_raw).__name__}.")
    if not vary_raw:
        raise LptError(f"{src}: [vary] is empty; name at least one design key to vary.")
    vary = [_parse_vary_item(k, v, method, levels, src) for k, v in vary_raw.items()]

    outs = _check_keys(raw.get("outputs", {}), _OUTPUT_KEYS, "outputs", src)
    include = outs.get("include", list(DEFAULT_OUTPUTS))
    if not isinstance(include, list) or not include or not all(isinstance(o, str) for o in include):
        raise LptError(f"{src}: [outputs] include must be a non-empty list of output names "
                       f"({', '.join(OUTPUTS)}).")
    for o in include:
        if o not in OUTPUTS:
            raise LptError(f"{src}: [outputs] '{o}' is not an output{did_you_mean(o, OUTPUTS)}; "
                           f"allowed: {', '.join(OUTPUTS)}.")
    cycles = outs.get("cycles")
    if cycles is not None and (isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1):
        raise LptError(f"{src}: [outputs] cycles must be a whole number of at least 1, got {cycles!r}.")
    chunk_size = raw.get("chunk_size", 10_000)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or not (1 <= chunk_size <= 10_000_000):
        raise LptError(f"{src}: chunk_size must be a whole number from 1 to 10,000,000, got {chunk_size!r}.")
    name = raw.get("name", src.stem)
    # the parameter values in force (a --parameters file) make a different sweep
    sweep_id = hashlib.sha256((_canonical(raw, base_raw) + repr(overrides.current())).encode()).hexdigest()[:16]
    return Sweep(path=src, name=str(name), base_path=base_path, base_raw=base_raw, method=method,
                 n=n, seed=seed, vary=vary, outputs=tuple(dict.fromkeys(include)), cycles=cycles,
                 chunk_size=chunk_size, sweep_id=sweep_id)


# --- raw design dicts ----------------------------------------------------------------

def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def raw_design(base_raw: dict, values: dict[str, Any]) -> dict:
    """The base design's TOML document with ``values`` (dotted keys) set, normalized."""
    raw = copy.deepcopy(base_raw)
    for key, val in values.items():
        if _is_missing(val):
            continue
        parts = key.split(".")
        node = raw
        for p in parts[:-1]:
            nxt = node.setdefault(p, {})
            if not isinstance(nxt, dict):
                break  # let the loader name the malformed table
            node = nxt
        else:
            node[parts[-1]] = _plain(val)
    for side in SIDES:
        iface = raw.get("interfaces", {}).get(side) if isinstance(raw.get("interfaces"), dict) else None
        if isinstance(iface, dict) and iface.get("therapy") in therapies.THERAPIES:
            need, may = therapy_keys(iface["therapy"])
            for k in list(iface):
                if k != "therapy" and k not in need | may:
                    del iface[k]
    return raw


def _applies(key: str, therapy: np.ndarray) -> np.ndarray:
    """Which designs' therapy takes interface key ``key`` (True for non-interface keys)."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "interfaces" or parts[1] not in SIDES or parts[2] == "therapy":
        return np.ones(len(therapy), bool)
    uniq, inv = np.unique(np.asarray(therapy, dtype=str), return_inverse=True)
    return np.array([parts[2] in therapy_keys(t)[0] | therapy_keys(t)[1] for t in uniq], bool)[inv]


# --- expansion -----------------------------------------------------------------------

def _column(item: Choices | Range, idx_or_u: np.ndarray, unit: bool) -> Any:
    if isinstance(item, Choices):
        idx = np.minimum((idx_or_u * len(item.values)).astype(np.int64), len(item.values) - 1) if unit else idx_or_u
        if isinstance(item.values[0], str):
            return pd.Categorical.from_codes(idx, categories=list(item.values))
        vals = np.asarray(item.values)[idx]
        return vals if vals.dtype.kind == "i" else vals.astype(float)
    vals = item.from_unit(idx_or_u)
    return vals.astype(np.int64) if item.integer else vals


def sample(sweep: Sweep) -> pd.DataFrame:
    """The raw samples, before normalization: one column per varied key, file order."""
    cols: dict[str, Any] = {}
    if sweep.method == "factorial":
        axes = [np.asarray(v.values, dtype=object) if isinstance(v, Choices) else v.grid() for v in sweep.vary]
        sizes = [len(a) for a in axes]
        total = math.prod(sizes)
        if total > MAX_DESIGNS:
            raise LptError(f"{sweep.path}: the factorial sweep has {total:,} designs, more than "
                           f"{MAX_DESIGNS:,}; use method = \"random\" or \"lhs\" with n.")
        # last key varies fastest, like itertools.product
        idx = np.indices(sizes).reshape(len(sizes), -1)
        for item, axis, ix in zip(sweep.vary, axes, idx):
            if isinstance(item, Choices):
                cols[item.key] = _column(item, ix, unit=False)
            else:
                cols[item.key] = axis[ix]
    elif sweep.method == "random":
        rng = np.random.default_rng(sweep.seed)
        for item in sweep.vary:
            cols[item.key] = _column(item, rng.random(sweep.n), unit=True)
    else:
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(sweep.vary), seed=np.random.default_rng(sweep.seed)).random(sweep.n)
        for j, item in enumerate(sweep.vary):
            cols[item.key] = _column(item, u[:, j], unit=True)
    return pd.DataFrame(cols)


def _base_value(base_raw: dict, key: str) -> Any:
    node: Any = base_raw
    for p in key.split("."):
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node


def _therapies(sweep: Sweep, frame: pd.DataFrame, side: str) -> np.ndarray:
    key = f"interfaces.{side}.therapy"
    if key in frame:
        vals = frame[key].astype(object).to_numpy()
    else:
        vals = np.full(len(frame), _base_value(sweep.base_raw, key) or "none", dtype=object)
    for t in pd.unique(vals):
        if t not in therapies.THERAPIES:
            raise LptError(f"{sweep.source}: field '{key}' = '{t}' is not a therapy"
                           f"{did_you_mean(str(t), therapies.names())}; allowed: {', '.join(therapies.names())}.")
    return vals


def normalize(sweep: Sweep, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop interface values their therapy does not take; keep identical designs once."""
    frame = frame.copy()
    for side in SIDES:
        therapy = _therapies(sweep, frame, side)
        for key in frame.columns:
            if not key.startswith(f"interfaces.{side}."):
                continue
            ok = _applies(key, therapy)
            if ok.all():
                continue
            if not ok.any():
                raise LptError(f"{sweep.path}: [vary] '{key}' has no effect: no design's "
                               f"interfaces.{side}.therapy takes it (therapies: "
                               f"{', '.join(sorted(set(therapy)))}); vary or set the therapy.")
            col = frame[key]
            if isinstance(col.dtype, pd.CategoricalDtype):
                frame[key] = col.where(ok)
            else:
                frame[key] = np.where(ok, col.to_numpy(dtype=float), np.nan)
    n0 = len(frame)
    frame = frame.drop_duplicates(ignore_index=True)
    return frame, n0 - len(frame)


def categorical_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != "design_id" and not pd.api.types.is_numeric_dtype(frame[c])]


def combos(frame: pd.DataFrame, by: list[str]):
    """(values, row positions) of every distinct combination of ``by`` (missing kept), in first-seen order."""
    if not by:
        yield {}, np.arange(len(frame))
        return
    for vals, idx in frame.groupby(by, dropna=False, sort=False, observed=True).indices.items():
        vals = vals if isinstance(vals, tuple) else (vals,)
        yield dict(zip(by, vals)), np.asarray(idx)


class Rows:
    """Row-by-row access to a plan's columns without converting text columns wholesale."""

    def __init__(self, frame: pd.DataFrame):
        self._cols: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        for k in frame.columns:
            if k == "design_id":
                continue
            col = frame[k]
            if isinstance(col.dtype, pd.CategoricalDtype):
                cats = np.array(list(col.cat.categories) + [None], dtype=object)
                self._cols[k] = (col.cat.codes.to_numpy(), cats)   # code -1 → None
            else:
                self._cols[k] = (col.to_numpy(), None)

    def __call__(self, i: int) -> dict[str, Any]:
        return {k: (a[i] if cats is None else cats[a[i]]) for k, (a, cats) in self._cols.items()}

    def numbers(self, key: str) -> np.ndarray:
        return self._cols[key][0]


def row_values(frame: pd.DataFrame, pos: int) -> dict[str, Any]:
    return Rows(frame)(pos)


def validate(sweep: Sweep, frame: pd.DataFrame) -> int:
    """Check designs with the design loader: every text combination at its numeric extremes.

    The loader's checks are per-key ranges plus sums and positivity that are monotone
    in each key, so the designs of each combination with every numeric key at the
    smallest and at the largest value the sweep declares (and its first design) bound
    every design of the sweep.
    """
    cats = categorical_columns(frame)
    declared = {}
    for item in sweep.vary:
        if isinstance(item, Range):
            declared[item.key] = (item.min, item.max)
        elif not isinstance(item.values[0], str):
            declared[item.key] = (min(item.values), max(item.values))
    count = 0
    row = Rows(frame)
    for values, idx in combos(frame, cats):
        used = [k for k in declared if not frame[k].iloc[idx].isna().all()]
        probes = [row(idx[0]),
                  {**values, **{k: declared[k][0] for k in used}},
                  {**values, **{k: declared[k][1] for k in used}}]
        for vals in probes:
            design_from_dict(raw_design(sweep.base_raw, vals), sweep.source)
        count += 1
    return count


def expand(sweep: Sweep) -> Plan:
    """Sample, normalize and validate: the sweep's designs as a table, in a fixed order."""
    frame = sample(sweep)
    n_sampled = len(frame)
    frame, collapsed = normalize(sweep, frame)
    checked = validate(sweep, frame)
    frame.insert(0, "design_id", np.arange(len(frame), dtype=np.int64))
    return Plan(sweep=sweep, frame=frame, n_sampled=n_sampled, n_collapsed=collapsed, combos_validated=checked)


# --- designs from rows ---------------------------------------------------------------

_SECTION_ATTR = {"cathode": "cathode", "electrolyte": "electrolyte", "anode": "anode", "cycling": "cycling"}


def value_of(design: Design, key: str) -> Any:
    """The value of dotted design key ``key`` in ``design`` (NaN when it has none)."""
    parts = key.split(".")
    if parts[0] == "interfaces":
        obj: Any = getattr(design, f"{parts[1]}_interface")
    elif len(parts) == 2:
        obj = getattr(design, _SECTION_ATTR[parts[0]])
    else:
        obj = design
    val = getattr(obj, parts[-1])
    return float("nan") if val is None else val


def apply_values(design: Design, values: dict[str, Any]) -> Design:
    """``design`` with dotted-key ``values`` set, without re-validation (values already checked).

    Used to materialize the designs of a chunk from one validated representative that
    shares their text-valued keys.
    """
    import dataclasses

    top: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, val in values.items():
        if _is_missing(val):
            continue
        parts = key.split(".")
        val = _plain(val)
        if len(parts) == 1:
            top[parts[0]] = val
        elif parts[0] == "interfaces":
            sections.setdefault(f"{parts[1]}_interface", {})[parts[2]] = val
        else:
            sections.setdefault(_SECTION_ATTR[parts[0]], {})[parts[1]] = val
    for attr, changes in sections.items():
        cur = getattr(design, attr)
        if attr.endswith("_interface"):
            need, may = therapy_keys(changes.get("therapy", cur.therapy))
            changes = {k: v for k, v in changes.items() if k == "therapy" or k in need | may}
        top[attr] = dataclasses.replace(cur, **changes)
    return dataclasses.replace(design, **top) if top else design
