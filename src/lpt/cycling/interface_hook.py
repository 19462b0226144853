"""The coupling between cycling and the interface model: one hook, one small function.

The cycling model asks an *interface hook* for the state of both interfaces once per
cycle (and, if asked, before every protocol step).  The hook is any callable::

    hook(*, cycle, charge_passed_mAh_cm2, time_h, current_density_mA_cm2, temperature_K)
        -> Mapping[str, array]   (or an InterfaceState)

called with keyword arguments, each array holding one entry per design of the batch
(designs that have already ended are included, with frozen values):

- ``cycle`` (int): the cycle about to run, 1-based;
- ``charge_passed_mAh_cm2``: cumulative charge through the cell so far, both directions;
- ``time_h``: time elapsed since the start of the run;
- ``current_density_mA_cm2``: the largest constant-current magnitude of the coming cycle;
- ``temperature_K``: the temperature of the coming cycle (its first step's).

It returns, per design: ``asr_anode_ohm_cm2``, ``asr_cathode_ohm_cm2``, ``utilization``
(0–1, the ionically connected fraction of active material; it scales the usable capacity
and the reacting surface), ``liquid_remaining_fraction``, ``short_circuit`` (bool) and
``liquid_depleted`` (bool).  It may add ``asr_bulk_ohm_cm2`` to replace lpt's own SSE
ohmic term ``L/σ(T)``, and ``li_consumed_mAh_cm2`` (cumulative Li metal turned into SEI
and the like): its increase since the last call is taken off the Li anode's inventory.  Scalars are broadcast.  :class:`ConstantInterface` is the simplest
hook (fixed values), used by the tests and the PyBaMM cross-check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

REQUIRED = ("asr_anode_ohm_cm2", "asr_cathode_ohm_cm2", "utilization",
            "liquid_remaining_fraction", "short_circuit", "liquid_depleted")
OPTIONAL = ("asr_bulk_ohm_cm2", "li_consumed_mAh_cm2")

InterfaceHook = Callable[..., "Mapping[str, np.ndarray] | InterfaceState"]


@dataclass(frozen=True)
class InterfaceState:
    """The interfaces of every design for the coming cycle (arrays of length n)."""

    asr_anode_ohm_cm2: np.ndarray
    asr_cathode_ohm_cm2: np.ndarray
    utilization: np.ndarray
    liquid_remaining_fraction: np.ndarray
    short_circuit: np.ndarray
    liquid_depleted: np.ndarray
    asr_bulk_ohm_cm2: np.ndarray | None = None
    li_consumed_mAh_cm2: np.ndarray | None = None


@dataclass(frozen=True)
class ConstantInterface:
    """An interface hook with fixed values (no evolution, no liquid consumption).

    >>> hook = ConstantInterface(asr_anode_ohm_cm2=20.0, utilization=0.9)
    """

    asr_anode_ohm_cm2: float | np.ndarray = 0.0
    asr_cathode_ohm_cm2: float | np.ndarray = 0.0
    utilization: float | np.ndarray = 1.0
    liquid_remaining_fraction: float | np.ndarray = 1.0

    def __call__(self, *, cycle: int, charge_passed_mAh_cm2: np.ndarray, time_h: np.ndarray,
                 current_density_mA_cm2: np.ndarray, temperature_K: np.ndarray) -> dict:
        n = np.shape(charge_passed_mAh_cm2)[0]
        cached = self.__dict__.get("_cache")
        if cached is not None and cached[0] == n:
            return cached[1]  # the same object every cycle: the caller need not re-check it
        out = {
            "asr_anode_ohm_cm2": np.broadcast_to(self.asr_anode_ohm_cm2, (n,)),
            "asr_cathode_ohm_cm2": np.broadcast_to(self.asr_cathode_ohm_cm2, (n,)),
            "utilization": np.broadcast_to(self.utilization, (n,)),
            "liquid_remaining_fraction": np.broadcast_to(self.liquid_remaining_fraction, (n,)),
            "short_circuit": np.zeros(n, bool),
            "liquid_depleted": np.zeros(n, bool),
        }
        object.__setattr__(self, "_cache", (n, out))
        return out


def interface_state(hook: InterfaceHook, n: int, *, cycle: int, charge_passed_mAh_cm2: np.ndarray,
                    time_h: np.ndarray, current_density_mA_cm2: np.ndarray,
                    temperature_K: np.ndarray, previous: dict | None = None) -> InterfaceState:
    """Call the hook and check what it returns (the whole coupling lives here).

    ``previous`` (a dict kept by the caller) skips re-checking when the hook returns the
    very same object as last time (a constant hook), which keeps long runs of one design
    fast.
    """
    out = hook(cycle=cycle, charge_passed_mAh_cm2=charge_passed_mAh_cm2.copy(),
               time_h=time_h.copy(), current_density_mA_cm2=current_density_mA_cm2.copy(),
               temperature_K=temperature_K.copy())
    if previous is not None and previous.get("raw") is out:
        return previous["state"]
    state = _checked(out, n, cycle)
    if previous is not None:
        previous.update(raw=out, raw_id=id(out), state=state)
    return state


def _checked(out, n: int, cycle: int) -> InterfaceState:
    if isinstance(out, InterfaceState):
        out = {k: getattr(out, k) for k in REQUIRED + OPTIONAL if getattr(out, k) is not None}
    if not isinstance(out, Mapping):
        raise LptError(f"the interface hook must return a mapping of {', '.join(REQUIRED)}; "
                       f"it returned {type(out).__name__}.")
    missing = [k for k in REQUIRED if k not in out]
    if missing:
        raise LptError(f"the interface hook did not return {', '.join(missing)} (cycle {cycle}).")
    vals = {}
    for key in REQUIRED + OPTIONAL:
        if key not in out or out[key] is None:
            continue
        dtype = bool if key in ("short_circuit", "liquid_depleted") else float
        try:
            arr = np.broadcast_to(np.asarray(out[key], dtype), (n,)).copy()
        except ValueError:
            raise LptError(f"the interface hook returned {np.size(out[key])} values of '{key}' "
                           f"for {n} designs (cycle {cycle}).") from None
        vals[key] = arr
    for key in ("asr_anode_ohm_cm2", "asr_cathode_ohm_cm2", "asr_bulk_ohm_cm2", "li_consumed_mAh_cm2"):
        if key in vals and not np.all(vals[key] >= 0):
            raise LptError(f"the interface hook returned a negative or NaN '{key}' (cycle {cycle}).")
    u = vals["utilization"]
    if not np.all((u >= 0) & (u <= 1)):
        raise LptError(f"the interface hook returned a utilization outside 0 to 1 (cycle {cycle}).")
    return InterfaceState(**vals)
