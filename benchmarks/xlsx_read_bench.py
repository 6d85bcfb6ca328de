"""XLSX reading (issue 21): rows per second and peak memory of each reader on one big sheet.

    .venv/bin/python benchmarks/xlsx_read_bench.py [--rows 1100000] [--wide] [--file PATH]

Writes a data-values sheet once (openpyxl write-only; kept at --file, reused when present):
the four columns people upload (indicator, org_unit, period, value), or with --wide the
eleven columns of the data-values export. Each reader then runs in a fresh process and
reads every row; the process's peak resident memory (ru_maxrss) is what it cost, the
interpreter and the app's imports included (the baseline line shows those alone):

- openpyxl: load_workbook(read_only=True) and iter_rows(values_only=True), the old reader;
- calamine: python-calamine's workbook and CalamineSheet.iter_rows (the whole sheet is
  loaded into a dense range first: its memory grows with the sheet);
- read_xlsx: api.tabular.read_xlsx, the importers' reader as it is now (the Row objects
  the importers get, cells as text).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NARROW = ["indicator", "org_unit", "period", "value"]
WIDE = [
    "indicator",
    "org_unit",
    "period",
    "option",
    "numerator",
    "denominator",
    "value",
    "comment",
    "status",
    "updated_at",
    "deleted",
]


def write_sheet(path: Path, rows: int, wide: bool) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(WIDE if wide else NARROW)
    periods = [f"2026{m:02d}" for m in range(1, 13)]
    for n in range(rows):
        indicator, unit = f"BI_{n % 200:03d}", f"BX-{(n // 200) % 1100:04d}"
        period = periods[n // 220_000 % 12]
        value: Any = (n * 7) % 997 if n % 10 else round(n % 1000 / 7, 4)
        if wide:
            sheet.append(
                [
                    indicator,
                    unit,
                    period,
                    "",
                    None,
                    None,
                    value,
                    "ghi chú" if n % 50 == 0 else None,
                    "submitted",
                    "2026-05-01T08:00:00+07:00",
                    False,
                ]
            )
        else:
            sheet.append([indicator, unit, period, value])
    tmp = path.with_suffix(".part")
    book.save(tmp)
    tmp.rename(path)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(reader: str, path: Path) -> dict[str, Any]:
    """Read every row with one reader, in this (fresh) process."""
    import api.tabular  # the app's imports, in every reader's figure alike

    start = time.perf_counter()
    count = 0
    if reader == "baseline":
        pass
    elif reader == "openpyxl":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            count += 1
        book.close()
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        with path.open("rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
        for _ in book.get_sheet_by_index(0).iter_rows():
            count += 1
        book.close()
    elif reader == "read_xlsx":
        with path.open("rb") as handle:
            _, rows = api.tabular.read_xlsx(handle)
            for _ in rows:
                count += 1
    else:
        raise SystemExit(f"unknown reader {reader}")
    seconds = time.perf_counter() - start
    return {"reader": reader, "rows": count, "seconds": seconds, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_100_000)
    parser.add_argument("--wide", action="store_true", help="the export's eleven columns")
    parser.add_argument("--file", type=Path, help="the sheet to read (written when absent)")
    parser.add_argument("--readers", default="baseline,openpyxl,calamine,read_xlsx")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file)))
        return
    shape = "wide" if args.wide else "narrow"
    path = args.file or Path(tempfile.gettempdir()) / f"xlsx-bench-{args.rows}-{shape}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        write_sheet(path, args.rows, args.wide)
        print(f"wrote {path} in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows ({shape})")
    compare_readers(__file__, path, args.readers.split(","), "rows")


def compare_readers(script: str, path: Path, readers: list[str], unit: str) -> None:
    """Run `script --child READER --file path` for each reader, each in a fresh process (its
    peak memory is its own), and print a line of `unit`s, seconds, `unit`s/s and peak MB."""
    print(f"{'reader':<10} {unit:>10} {'seconds':>8} {unit + '/s':>9} {'peak MB':>8}")
    for reader in readers:
        out = subprocess.run(
            [sys.executable, script, "--child", reader, "--file", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        if out.returncode:
            print(f"{reader:<10} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rate = r[unit] / r["seconds"] if r["seconds"] > 0.001 else 0
        print(
            f"{reader:<10} {r[unit]:>10,} {r['seconds']:>8.1f} {rate:>9,.0f} {r['peak_mb']:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
