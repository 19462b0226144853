"""Therapies: what a treatment puts at an interface, one module each, one registry.

A therapy (:class:`~lpt.therapies.base.Therapy`) declares

* the design keys it needs and takes (``[interfaces.<side>]`` of a design file);
* how it fills the interface model's slots: the side inputs it sets from the
  knowledge base and the design's numbers (:meth:`~Therapy.side_inputs`);
* what it deposits in the stack, for the accounting of mass, flammable content and
  cost (:meth:`~Therapy.deposit`);
* what it does to the chemistry's geometry, for screening: whether it separates the
  electrode from the SSE, whether a liquid touches both, whether it is consumed.

:mod:`lpt.design`, :mod:`lpt.interface.inputs`, :mod:`lpt.metrics`, :mod:`lpt.screening`
and the sweeps ask this registry; none of them branches on a therapy's name. Adding a
therapy is one module with a ``@register``-ed class and one import line below.
"""

from __future__ import annotations

from lpt.therapies.base import THERAPIES, SideContext, Therapy, get, names, register
# registration order is the order users see them listed in
from lpt.therapies import none  # noqa: F401, I001
from lpt.therapies import wetting  # noqa: F401
from lpt.therapies import polymerization  # noqa: F401
from lpt.therapies import reaction_layer  # noqa: F401

__all__ = ["THERAPIES", "SideContext", "Therapy", "get", "names", "register"]
