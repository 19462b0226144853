"""No therapy: the dry, as-assembled solid|solid interface."""

from __future__ import annotations

from lpt.therapies.base import Therapy, register


@register
class NoTherapy(Therapy):
    name = "none"
    summary = "dry interface: solid contacts only"
    separates = False
