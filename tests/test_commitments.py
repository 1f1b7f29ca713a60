"""Nothing is promised that the spec does not say: a commitment comes from a value written in
the spec, or its clause is left out; specs of schema 1.0 and 1.1 keep their old defaults, and
validate lists them; renew writes them in."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docgen.renew import write_in_commitments
from docgen.spec.model import schema
from docgen.spec.schema import check_spec, load_spec, read_spec
from docxtext import normalised, plain_text

SAMPLES = ROOT / "samples"
LEGACY = ROOT / "tests" / "data" / "legacy"


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def documents(tmp_path: Path, data: dict[str, Any]) -> dict[str, str]:
    """Render ``data`` (it must be valid) and return each agreement's text, by kind."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    file = tmp_path / "spec.json"
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    spec = read_spec(file)
    assert check_spec(spec) == []
    return {kind.kind: plain_text(raw) for kind, _, raw in
            render_documents(spec, BuildOptions(tmp_path / "out")) if kind.kind != "notice"}


def drop(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """Return ``data`` without the field at ``path`` (as it is, if it has none)."""
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node.get(key, {})
    node.pop(path[-1], None)
    return data


def put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return data


LIBRARY = "jefferson-elementary-public-library"
LINCOLN = "lincoln-elementary-bright-futures"
ROOSEVELT = "roosevelt-high-state-university-study"

#: each commitment: the sample that makes it, the document, the words it puts there
COMMITMENTS = [
    (("term", "renewal_notice_days"), LINCOLN, 60, "mou",
     "The parties will review this MOU together at least 60 days before it ends"),
    (("term", "amendment_procedure"), LINCOLN, "in writing, signed by both parties", "mou",
     "The parties may amend this MOU only in writing, signed by both parties."),
    (("safety", "background_checks", "paid_by"), LINCOLN, "partner", "mou",
     "The cost of the checks is paid by Bright Futures."),
    (("insurance", "workers_compensation"), LINCOLN, True, "mou",
     "Workers’ compensation insurance as required by law."),
    (("termination", "notice_days"), LIBRARY, 45, "mou",
     "Either party may end this MOU for any reason by giving the other party 45 days’ written notice."),
    (("data_sharing", "security", "encryption_at_rest"), LINCOLN, True, "data-sharing-agreement",
     "At rest: the data is encrypted wherever it is stored."),
    (("data_sharing", "security", "encryption_in_transit"), LINCOLN, True,
     "data-sharing-agreement", "In transit: the data is encrypted whenever it is sent."),
    (("data_sharing", "destruction", "certification_required"), LINCOLN, True,
     "data-sharing-agreement", "will certify in writing to FUSD that the data has been destroyed"),
    (("data_sharing", "breach", "costs"), LINCOLN, "partner", "data-sharing-agreement",
     "Bright Futures pays the costs of notifying families and of remediation."),
    (("data_sharing", "publication_review", "min_cell_size"), ROOSEVELT, 10,
     "data-sharing-agreement", "no table will show a group of fewer than 10 students"),
    (("data_sharing", "consent", "kept_for_years"), LINCOLN, 5, "data-sharing-agreement",
     "kept for 5 years"),
]
IDS = [".".join(c[0]) for c in COMMITMENTS]


def test_the_schema_marks_each_commitment_and_gives_it_no_default() -> None:
    marked = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if node.get("x-commitment"):
            marked.append(path)
            assert "default" not in node, path
            assert "x-default-before-1.2" in node, path
        for name, sub in node.get("properties", {}).items():
            walk(sub, path + (name,))

    walk(schema(), ())
    assert sorted(marked) == sorted(c[0] for c in COMMITMENTS)


@pytest.mark.parametrize("path, name, value, kind, words", COMMITMENTS, ids=IDS)
def test_a_spec_that_leaves_a_commitment_out_gets_no_such_clause(
        tmp_path: Path, path: tuple[str, ...], name: str, value: Any, kind: str,
        words: str) -> None:
    data = drop(sample(name), path)
    assert words not in documents(tmp_path / "without", data)[kind]
    assert words in documents(tmp_path / "with", put(data, path, value))[kind]


def test_an_automatic_renewal_without_a_notice_period_sets_none(tmp_path: Path) -> None:
    data = drop(put(sample(LINCOLN), ("term", "auto_renew"), True), ("term", "renewal_notice_days"))
    assert ("It renews for one further school year on the same terms unless a party gives the "
            "other parties written notice of non-renewal before it ends.") in documents(tmp_path,
                                                                                  data)["mou"]


def test_a_breach_clause_without_costs_says_nothing_of_who_pays(tmp_path: Path) -> None:
    text = documents(tmp_path, drop(sample(LINCOLN), ("data_sharing", "breach", "costs")))
    assert "and cooperate with FUSD.\n" in text["data-sharing-agreement"]
    assert "costs" not in text["data-sharing-agreement"].split("cooperate with FUSD.")[1][:200]


# --- earlier schema versions ------------------------------------------------------------------


def rendered(spec_file: Path, tmp_path: Path) -> dict[str, bytes]:
    spec = load_spec(spec_file)
    return {f"{k.kind}-{k.locale}": raw for k, _, raw in
            render_documents(spec, BuildOptions(tmp_path))}


def test_a_1_0_spec_renders_byte_for_byte_as_the_1_2_spec_that_writes_its_defaults_in(
        tmp_path: Path) -> None:
    # the 1.2 sample is the 1.0 spec with the commitments its old defaults made written in
    assert rendered(LEGACY / "lincoln-1.0.json", tmp_path) == rendered(
        SAMPLES / f"{LINCOLN}.json", tmp_path)


def test_a_1_1_spec_renders_as_before_and_as_with_its_defaults_written_in(
        tmp_path: Path) -> None:
    old = json.loads((LEGACY / "jefferson-1.1.json").read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    write_in_commitments(new, old)
    new["schema_version"] = "1.2"
    file = tmp_path / "written-in.json"
    file.write_text(json.dumps(new, indent=2, ensure_ascii=False), encoding="utf-8")
    before = rendered(LEGACY / "jefferson-1.1.json", tmp_path)
    assert before == rendered(file, tmp_path)
    expected = (LEGACY / "jefferson-1.1-mou.txt").read_text(encoding="utf-8")
    assert normalised(before["mou-None"]) == expected
    # and the same spec as 1.2, leaving them out, promises none of them
    assert "30 days’ written notice" not in plain_text(
        rendered(SAMPLES / f"{LIBRARY}.json", tmp_path)["mou-None"])


#: the notice validate prints for a family-notice language no contact speaks
LANGUAGE_NOTICE = ": notice: no contact speaks "


def test_validate_lists_each_commitment_an_old_spec_leaves_to_a_default(in_repo) -> None:
    result = CliRunner().invoke(cli, ["validate", "tests/data/legacy/jefferson-1.1.json"],
                                catch_exceptions=False)
    assert result.exit_code == 0  # notices are advice: the spec is valid and builds as before
    assert result.stdout == "tests/data/legacy/jefferson-1.1.json: valid\n"
    f = "tests/data/legacy/jefferson-1.1.json"
    assert [line for line in result.stderr.splitlines() if LANGUAGE_NOTICE not in line] == [
        f"{f}:19:11: $.term.renewal_notice_days: notice: this spec promises a notice period "
        "before the term ends only through schema 1.1's default (30); write it in: "
        "\"renewal_notice_days\": 30",
        f"{f}:19:11: $.term.amendment_procedure: notice: this spec promises how the MOU is "
        "amended only through schema 1.1's default (\"in writing, signed by the authorized "
        "representatives of all parties\"); write it in: \"amendment_procedure\": \"in writing, "
        "signed by the authorized representatives of all parties\"",
        f"{f}:1:1: $.termination.notice_days: notice: this spec promises a notice period for "
        "ending the MOU only through schema 1.1's default (30); write it in: "
        "\"notice_days\": 30",
    ]


def test_a_1_2_spec_gets_no_notice(in_repo) -> None:
    result = CliRunner().invoke(cli, ["validate", f"samples/{LIBRARY}.json"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    # no commitment notice; only the notice languages no contact speaks (Jefferson names none)
    assert all(LANGUAGE_NOTICE in line for line in result.stderr.splitlines())


def test_renew_writes_in_each_commitment_last_years_spec_left_to_a_default(
        tmp_path: Path, in_repo) -> None:
    out = tmp_path / "next.json"
    result = CliRunner().invoke(cli, ["renew", "tests/data/legacy/jefferson-1.1.json",
                                      "--school-year", "2027-2028", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["schema_version"] == "1.2"
    assert new["term"] == {"start": "2027-09-01", "end": "2028-06-09",
                           "renewal_notice_days": 30, "amendment_procedure": "in writing, signed "
                           "by the authorized representatives of all parties"}
    assert new["termination"] == {"notice_days": 30}
    assert list(new).index("termination") == list(new).index("raci") + 1  # the schema's order
    assert ("- Written in: Termination › Notice for convenience (days): 30: last year's spec "
            "promised this only through schema 1.1's default; it is written in now: keep it "
            "only if the parties still agree") in result.stdout.splitlines()
    # so the renewed agreement promises what last year's did
    text = plain_text(rendered(out, tmp_path)["mou-None"])
    assert "by giving the other party 30 days’ written notice" in text


def test_a_review_of_an_old_spec_and_its_renewal_shows_no_change_for_what_renew_wrote_in(
        tmp_path: Path, in_repo) -> None:
    from docgen.review.compare import compare

    old = json.loads((LEGACY / "jefferson-1.1.json").read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    write_in_commitments(new, old)
    new["schema_version"] = "1.2"
    labels = [c.label for c in compare(old, new)]
    assert not [label for label in labels if "Notice" in label or "amend" in label.lower()], labels
