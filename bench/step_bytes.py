"""Count the bytes a big model's page and configure answers send, whole and one step at a time.

    .venv/bin/python bench/step_bytes.py [--models renault pc-richmond] [--per-step 10]

Django is set up on a throwaway SQLite database (as bench/http_api.py does). Each model
(../shared/benchmarks, read as bench/models.py reads it) is published twice: as it comes
(the importers' one-page layout: every group on one page) and cut into sections of
`--per-step` groups on the stepped layout.
For each it prints the bytes of:

- the configurator page (a full load) and its htmx answer to one click;
- `POST /api/v1/products/<code>/configure` for the empty selection, whole and with
  `?step=<first section>`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` as a package, and never shadow the standard library

import argparse  # noqa: E402
import copy  # noqa: E402
from typing import Any  # noqa: E402

from bench.sections import Provenance  # noqa: E402


def _sectioned(catalog: dict[str, Any], per_step: int) -> dict[str, Any]:
    """Return a copy of `catalog` whose product has a section per `per_step` groups, code suffixed -steps."""
    data = copy.deepcopy(catalog)
    product = data["products"][0]
    product["code"] += "-steps"
    product["layout"] = "steps"  # the importers make one page of a big model ("single")
    count = (len(product["groups"]) + per_step - 1) // per_step
    product["sections"] = [{"code": f"s{n + 1}", "name": f"Step {n + 1}"} for n in range(count)]
    for index, group in enumerate(product["groups"]):
        group["section"] = f"s{index // per_step + 1}"
    return data


def _measure(code: str, first_step: str | None) -> str:
    from django.test import Client

    client = Client()
    page = client.get(f"/p/{code}/")
    assert page.status_code == 200, page.status_code
    product = client.get(f"/api/v1/products/{code}").json()
    group = product["groups"][0]
    click = client.get(
        f"/p/{code}/",
        {group["code"]: group["options"][-1]["code"], "_seen": first_step or "other"},
        headers={"HX-Request": "true"},
    )
    whole = client.post(f"/api/v1/products/{code}/configure", {}, content_type="application/json")
    line = (
        f"{code:22} groups {len(product['groups']):4} | page {len(page.content):8,} B"
        f" | htmx click {len(click.content):8,} B | API configure {len(whole.content):8,} B"
    )
    if first_step is not None:
        step = client.post(f"/api/v1/products/{code}/configure?step={first_step}", {}, content_type="application/json")
        assert step.status_code == 200, step.content
        line += f" | ?step={first_step} {len(step.content):7,} B ({len(step.content) / len(whole.content):.0%})"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["renault", "pc-richmond"])
    parser.add_argument("--per-step", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args()
    provenance = Provenance()

    from bench.http_api import setup_django

    setup_django()
    from django.conf import settings

    from bench.models import SPECS
    from catalog.services import catalog_import

    settings.RATELIMIT_ENABLE = False
    lines: list[str] = []
    for key in args.models:
        spec = SPECS[key]
        why = spec.missing()
        if why:
            print(f"{key}: {why}")
            continue
        catalog = spec.read()
        code = catalog["products"][0]["code"]
        catalog_import(catalog, publish=True)
        catalog_import(_sectioned(catalog, args.per_step), publish=True)
        for line in (_measure(code, None), _measure(f"{code}-steps", "s1")):
            print(line)
            lines.append(f"    {line}")
    if args.write:
        from bench.sections import write_section

        heading = (
            "## Bytes a big model sends\n\n"
            f"{provenance.line()}\n\n"
            "`bench/step_bytes.py`: each model as the importers make it (one page) and cut into sections of"
            f" {args.per_step} groups (`-steps`, the stepped layout): the page's full load, its htmx answer to one"
            " click, and `POST configure` for the empty selection, whole and with `?step=` (the first section).\n\n"
        )
        write_section("step-bytes", heading + "\n".join(lines), "python bench/step_bytes.py --write")


if __name__ == "__main__":
    main()
