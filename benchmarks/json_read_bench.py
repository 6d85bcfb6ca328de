"""Reading a DHIS2 dataValueSet JSON body (issue 21): values per second and peak memory of
the whole-body parse against the stream.

    .venv/bin/python benchmarks/json_read_bench.py [--values 1100000] [--readers ...]

Writes a dataValueSet of N values once (kept in the temporary folder), then each reader runs
in a fresh process and turns every value into the import's row; the process's peak resident
memory (ru_maxrss) is what it cost, the interpreter and the app's imports included (the
baseline line shows those alone). Parsing only: nothing is written to a database.

- pydantic: the body read whole and validated by the schema (POST /dataValueSets before);
- json: json.load with Decimal numbers (JSON uploads to /imports before);
- stream-c, stream-py: api.services.dhis2_json.rows on the file, ijson's yajl2_c or pure
  Python backend (the 200 000-value limit of one request lifted to read them all).
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from xlsx_read_bench import compare_readers, peak_mb  # noqa: E402


def write_set(path: Path, values: int) -> None:
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as out:
        out.write('{"dataSet": "bench", "completeDate": "2026-06-01", "dataValues": [')
        for n in range(values):
            item = {
                "dataElement": f"BI_{n % 200:03d}",
                "period": f"2026{n // 220_000 % 12 + 1:02d}",
                "orgUnit": f"BX-{(n // 200) % 1100:04d}",
                "categoryOptionCombo": "default",
                "attributeOptionCombo": "default",
                "value": str((n * 7) % 997) if n % 10 else round(n % 1000 / 7, 4),
                "storedBy": "bench",
                "comment": "ghi chú" if n % 50 == 0 else None,
                "followup": False,
            }
            out.write(("," if n else "") + json.dumps(item, ensure_ascii=False))
        out.write("]}")
    tmp.rename(path)


def child(reader: str, path: Path) -> dict[str, Any]:
    from decimal import Decimal

    from api import json_stream
    from api.services import dhis2_json

    start = time.perf_counter()
    count = 0
    if reader == "pydantic":
        from pydantic import Field

        from api.schemas.dhis2 import Dhis2DataValue, Dhis2DataValueSet

        class Unbounded(Dhis2DataValueSet):
            dataValues: list[Dhis2DataValue] = Field(default_factory=list)  # noqa: N815

        body = Unbounded.model_validate_json(path.read_bytes())
        rows = [dhis2_json.row(i + 1, dv.__dict__, body) for i, dv in enumerate(body.dataValues)]
        count = len(rows)
    elif reader == "json":
        with path.open("rb") as handle:
            data = json.load(handle, parse_float=Decimal)
        rows = [
            {str(k): "" if v is None else str(v) for k, v in item.items()}
            for item in data["dataValues"]
        ]
        count = len(rows)
    elif reader in ("stream-c", "stream-py"):
        import ijson

        json_stream.BACKEND = ijson.get_backend("yajl2_c" if reader == "stream-c" else "python")
        with path.open("rb") as handle:
            for _ in dhis2_json.rows(handle, max_values=sys.maxsize):
                count += 1
    elif reader != "baseline":
        raise SystemExit(f"unknown reader {reader}")
    seconds = time.perf_counter() - start
    return {"reader": reader, "values": count, "seconds": seconds, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=1_100_000)
    parser.add_argument("--readers", default="baseline,pydantic,json,stream-c,stream-py")
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file)))
        return
    path = Path(tempfile.gettempdir()) / f"dvs-bench-{args.values}.json"
    if not path.exists():
        write_set(path, args.values)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {args.values:,} values")
    compare_readers(__file__, path, args.readers.split(","), "values")


if __name__ == "__main__":
    main()
