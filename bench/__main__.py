"""``python -m bench [--smoke] [--only NAME,…]``: run every available measurement and print its ratio.

Each measurement module exposes ``run(smoke: bool) -> list[Result]``; ``--smoke`` uses small data
so CI checks that the bench still works, without claiming the targets.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass

MEASUREMENTS = ("import_bench", "reports_bench", "pages_bench", "evaluation_bench")


@dataclass
class Result:
    name: str
    value: float
    floor: float
    target: float  # the ratio value / floor must stay at or below this
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--smoke", action="store_true", help="small data: checks the bench runs, not the targets"
    )
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    args = parser.parse_args(argv)
    wanted = [name for name in args.only.split(",") if name] or list(MEASUREMENTS)
    failed = False
    for name in wanted:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        for result in module.run(smoke=args.smoke):
            verdict = "OK" if result.ok else "AU-DESSUS DE LA CIBLE"
            print(
                f"{result.name:<48} {result.value:10.3f} {result.unit}  plancher {result.floor:10.3f} {result.unit}"
                f"  ratio {result.ratio:6.2f} (cible ≤ {result.target:g})  {verdict}"
            )
            failed |= not result.ok and not args.smoke
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
