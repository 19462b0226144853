"""``lpt materials``: browse the cited knowledge base.

``lpt materials list [--kind K] [--json]`` lists every record (id, kind, name);
``lpt materials show ID [--json]`` prints every field of one record with its value,
unit (read from the field name's suffix) and source.  Both only call
:mod:`lpt.materials` and print.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

import typer

from lpt.cli.output import console, esc, print_json
from lpt.errors import LptError, did_you_mean

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

# Field-name suffix -> unit, longest suffix first so "_mPa_s" wins over "_s".
_UNITS: tuple[tuple[str, str], ...] = (
    ("_mA_cm2", "mA/cm²"),
    ("_mAh_g", "mAh/g"),
    ("_mol_m3", "mol/m³"),
    ("_cm2_s", "cm²/s"),
    ("_mPa_s", "mPa·s"),
    ("_USD_kg", "USD/kg"),
    ("_kJ_g", "kJ/g"),
    ("_g_cm3", "g/cm³"),
    ("_S_cm", "S/cm"),
    ("_percent", "%"),
    ("_fraction", "1"),
    ("_GPa", "GPa"),
    ("_MPa", "MPa"),
    ("_deg", "°"),
    ("_eV", "eV"),
    ("_um", "µm"),
    ("_nm", "nm"),
    ("_C", "°C"),
    ("_M", "mol/L"),
    ("_V", "V"),
)

# Identity goes in the title and bookkeeping below the table, not in rows.
_NOT_ROWS = {"id", "name", "sources", "references", "notes"}


def _unit(field: str) -> str:
    """The unit a field name carries in its suffix ('' when it carries none)."""
    for suffix, unit in _UNITS:
        if field.endswith(suffix):
            return unit
    return ""


def _kinds() -> list[str]:
    from lpt.materials import Kind

    return list(typing.get_args(Kind))


def _rows(record: Any) -> list[dict[str, Any]]:
    """One row per field that is set: name, value, unit, source."""
    rows = []
    for field in type(record).model_fields:
        if field in _NOT_ROWS:
            continue
        value = getattr(record, field)
        if value is None or value == [] or value == "":
            continue
        rows.append(
            {
                "field": field,
                "value": value,
                "unit": _unit(field) if field in record.sources else "",
                "source": record.sources.get(field, ""),
            }
        )
    return rows


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@app.command("list")
def list_materials(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only this kind: solid_electrolyte, liquid, electrode, additive, precursor or reagent."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """List the knowledge base: id, kind and name of every record."""
    from lpt.materials import load_all

    kinds = _kinds()
    if kind is not None and kind not in kinds:
        raise LptError(
            f"--kind '{kind}' is not a material kind{did_you_mean(kind, kinds)};"
            f" allowed: {', '.join(kinds)}."
        )
    records = [m for m in load_all().values() if kind is None or m.kind == kind]
    items = [{"id": m.id, "kind": m.kind, "name": m.name} for m in records]
    if as_json:
        print_json(items)
        return

    from rich.table import Table

    table = Table(title=f"lpt knowledge base ({len(items)} records)")
    for column in ("id", "kind", "name"):
        table.add_column(column)
    for item in items:
        table.add_row(esc(item["id"]), item["kind"], esc(item["name"]))
    console().print(table)


@app.command("show")
def show_material(
    material_id: Annotated[str, typer.Argument(metavar="ID", help="A knowledge-base id, e.g. LATP or LP30.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Every field of one record with its value, unit and source."""
    from lpt.materials import get

    record = get(material_id)
    rows = _rows(record)
    if as_json:
        print_json(
            {
                "id": record.id,
                "kind": record.kind,
                "name": record.name,
                "fields": {
                    r["field"]: {"value": r["value"], "unit": r["unit"], "source": r["source"]}
                    for r in rows
                },
                "references": record.references,
                "notes": record.notes,
            }
        )
        return

    from rich.table import Table

    table = Table(title=f"{esc(record.id)}: {esc(record.name)}", show_lines=False)
    table.add_column("field")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("source", overflow="fold")
    for r in rows:
        table.add_row(r["field"], esc(_format(r["value"])), r["unit"], esc(r["source"]))
    con = console()
    con.print(table)
    if record.references:
        con.print("[bold]references[/bold]")
        for ref in record.references:
            con.print(f"  - {esc(ref)}", highlight=False)
    if record.notes:
        con.print(f"[bold]notes[/bold]  {esc(record.notes)}", highlight=False)
