"""``vocgap analyse --responses`` reads long files and vocgap's own export without a row cap and
without the database, exactly as the database would give them to the analysis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from vocgap.cli import main
from vocgap.collection.analysis_input import load_wave
from vocgap.collection.imports import ImportFailed
from vocgap.collection.imports.long_file import read_analysis_input

from .test_import_roundtrip import _export, fielded  # noqa: F401 - the fixture is reused


def _tuples(frame: pd.DataFrame, rename=None):
    rename = rename or (lambda r: r)
    return sorted((a, s, str(rename(r)), i, None if pd.isna(v) else float(v), t)
                  for a, s, r, i, v, t in frame[["account", "side", "respondent", "item", "value",
                                                 "text"]].itertuples(index=False))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reads_as_the_database_gives_it(app, fielded, instrument, tmp_path,  # noqa: F811
                                               fmt):
    from_db = load_wave(fielded, fielded.current_wave)
    path = _export(app, tmp_path, fmt, False)
    from_file = read_analysis_input(path, instrument, path.name)
    assert _tuples(from_file.answers) == _tuples(from_db.answers)
    ratings = from_file.ratings.assign(rater=from_file.ratings["rater"].astype(int),
                                       contact=from_file.ratings["contact"].astype(int))
    key = ["account", "rater", "contact"]
    assert ratings.sort_values(key).reset_index(drop=True).equals(
        from_db.ratings.sort_values(key).reset_index(drop=True)[ratings.columns].astype(
            ratings.dtypes.to_dict()))


def test_no_row_cap_and_duplicates_found(instrument, tmp_path):
    rows = 210_000
    accounts = np.arange(rows) // 600
    frame = pd.DataFrame({"account": accounts.astype(str),
                          "side": np.where((np.arange(rows) // 30) % 2, "customer", "vendor"),
                          "respondent": (np.arange(rows) // 30).astype(str),
                          "item": np.tile([i.id for i in instrument.items if i.type in (
                                              "agreement", "importance")][:30], rows // 30),
                          "value": np.arange(rows) % 5 + 1})
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    data = read_analysis_input(path, instrument, "big.csv")
    assert len(data.answers) == rows and data.answers["value"].sum() == frame["value"].sum()
    with path.open("a") as f:
        f.write("0,vendor,0,superior_experience,2\n")
    with pytest.raises(ImportFailed) as info:
        read_analysis_input(path, instrument, "big.csv")
    assert [str(e) for e in info.value.errors] == [
        f"line {rows + 2}, column 'item': 'superior_experience' is answered twice by this "
        "respondent for this account"]


def test_cli_analyse_from_a_file(app, fielded, tmp_path):  # noqa: F811
    path = _export(app, tmp_path, "csv", True)
    result = app.test_cli_runner().invoke(main, [
        "analyse", "--instrument", "surveys/b2b-relationship.yaml", "--responses", str(path),
        "--compact"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["source"] == str(path)
    assert sorted(a["account"] for a in payload["accounts"]) == ["+Hooli =HYPERLINK()", "Globex"]
    assert "reading responses" in result.stderr


def test_quick_and_careful_readers_agree(instrument, tmp_path):
    """The chunked reader for clean files gives exactly what the row-by-row reader gives."""
    from vocgap.collection.imports import Mapping

    path = tmp_path / "long.csv"
    path.write_text("account,side,respondent,item,value\n"
                    " Globex ,Customer,ann,trust_right_thing,Strongly agree\n"
                    "Globex,customer,ann,recommend,10 - Extremely likely\n"
                    "Globex,customer,ann,superior_experience,Don\u2019t know / not applicable\n"
                    "Globex,customer,ann,one_thing,\"Faster, please\"\n"
                    "Globex,customer,ann,relationship_stage,Basic\n"
                    "Globex,customer,ann,best_thing,\n"
                    "Hooli,vendor,vic,trust_right_thing,4\n")
    quick = read_analysis_input(path, instrument, "long.csv").answers
    careful = read_analysis_input(path, instrument, "long.csv", mapping=Mapping()).answers
    assert _tuples(quick) == _tuples(careful)
    assert len(quick) == 6 and set(quick["account"]) == {"Globex", "Hooli"}
