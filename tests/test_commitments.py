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

from conftest import REVIEW_NOTICE, ROOT
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docgen.renew import write_in_commitments
from docgen.spec.model import schema
from docgen.spec.schema import check_spec, load_spec, read_spec
from docxtext import normalised, plain_text

SAMPLES = ROOT / "samples"
LEGACY = ROOT / "tests" / "data" / "legacy"


def sample(name: str) -> dict[str, Any]:
    """The sample ``name``, or the spec ``sections/name`` of tests/data."""
    folder = ROOT / "tests" / "data" if "/" in name else SAMPLES
    data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
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

FAITH = "sections/faith-based-mentoring"
INTERN = "sections/paid-internship"
#: the commitments of the optional sections that came after schema 1.2, which no spec ever had
#: by default: the spec that makes it, what to drop to leave it out (None: the field itself),
#: and the words it puts in the MOU
LATER_COMMITMENTS = [
    (("funding", "rate", "amount"), LINCOLN, ("funding", "rate"),
     "Rate. FUSD will pay Bright Futures $825 per program day"),
    (("funding", "rate", "maximum"), LINCOLN, None, "up to a total of $148,500 for the term"),
    (("funding", "payment", "invoice"), FAITH, ("funding", "payment"),
     "Greater Hope will invoice Garfield each month"),
    (("funding", "payment", "attendance_records"), FAITH, None,
     "with the attendance records for the sessions invoiced"),
    (("funding", "payment", "within_days"), FAITH, None,
     "Garfield will pay each approved invoice within 30 days of receiving it."),
    (("funding", "payment", "cancelled_sessions_unpaid"), FAITH, None,
     "No payment is due for a session that is cancelled or does not take place, for any reason."),
    (("permissions", "participation"), LINCOLN, None,
     "No student takes part in the services until a parent or guardian"),
    (("permissions", "media", "allowed"), FAITH, ("permissions", "media"),
     "Greater Hope will not photograph, film or record students."),
    (("permissions", "field_trips", "allowed"), LINCOLN, ("permissions", "field_trips"),
     "Bright Futures may take students on field trips that the principal has approved"),
    (("permissions", "field_trips", "written_permission"), LINCOLN, None,
     "A student goes on a field trip only with the written permission of a parent or guardian"),
    (("permissions", "field_trips", "supervision_ratio"), LINCOLN, None,
     "On each trip there is at least one supervising adult for every 10 students."),
    (("food_and_health", "food", "provided_by"), LINCOLN, ("food_and_health", "food"),
     "Lincoln Elementary provides a healthy snack each program day"),
    (("food_and_health", "allergies", "follow_plans"), LINCOLN, None,
     "Its staff follow each student’s allergy action plan or health plan"),
    (("food_and_health", "medication"), LINCOLN, None,
     "Staff of Bright Futures do not give students any medication"),
    (("subcontractors", "allowed"), LINCOLN, ("subcontractors",),
     "Bright Futures may use subcontractors"),
    (("subcontractors", "approved_by"), LINCOLN, None,
     "only with the prior written approval of FUSD for each of them"),
    (("subcontractors", "flow_down"), LINCOLN, None,
     "will bind each of them in writing to the terms of this MOU on safety, insurance, and "
     "confidentiality"),
    (("general_terms", "severability"), LINCOLN, None, "Severability. If a court"),
    (("general_terms", "assignment"), LINCOLN, None, "Assignment. No party may assign"),
    (("general_terms", "no_third_party_beneficiaries"), LINCOLN, None,
     "No third-party beneficiaries. This MOU is for the benefit of the parties only."),
    (("general_terms", "public_records_law"), LINCOLN, None,
     "may be disclosed under the California Public Records Act"),
    (("general_terms", "names_and_logos"), LINCOLN, None,
     "No party will use the name, logo or other marks of another party"),
    (("general_terms", "conflict_of_interest"), LINCOLN, None, "Conflict of interest. Each party"),
    (("faith_based", "voluntary"), FAITH, None, "Taking part in the services is voluntary."),
    (("faith_based", "no_religious_activity"), FAITH, None,
     "Greater Hope will not include religious instruction, worship, prayer or proselytizing"),
    (("faith_based", "open_to_all"), FAITH, None,
     "The services are open to every eligible student regardless of religion"),
    (("internship", "employer_of_record"), INTERN, None, "Acme is the employer of record"),
    (("internship", "hourly_wage"), INTERN, None, "paid at least $18.50 for each hour worked"),
    (("internship", "work_permits"), INTERN, None,
     "No intern under 18 starts work until the employer of record has the work permit that "
     "the California Labor Code requires"),
    (("internship", "hours_limits"), INTERN, None,
     "Interns under 18 work only the hours, at the times of day and in the kinds of work"),
    (("internship", "worksite_supervisor"), INTERN, None,
     "each intern works under the direct supervision of an Acme machinist"),
    (("internship", "workers_compensation"), INTERN, None,
     "The employer of record covers every intern under its workers’ compensation insurance"),
]


def test_the_schema_marks_each_commitment_and_gives_it_no_default() -> None:
    marked: list[tuple[str, ...]] = []
    added: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if node.get("x-commitment"):
            assert "default" not in node, path
            if "x-default-before-1.2" in node:
                marked.append(path)
            else:
                added.append(path)  # a commitment added after 1.2 never had a default
        for name, sub in node.get("properties", {}).items():
            walk(sub, path + (name,))

    later = {c[0] for c in LATER_COMMITMENTS}
    walk(schema(), ())
    assert sorted(marked) == sorted(c[0] for c in COMMITMENTS)
    # each commitment added since has its own test: the MOU's here (LATER_COMMITMENTS), the
    # data-sharing agreement's in tests/test_dsa_sections.py
    assert later <= set(added)


@pytest.mark.parametrize("path, name, leave_out, words", LATER_COMMITMENTS,
                         ids=[".".join(c[0]) for c in LATER_COMMITMENTS])
def test_a_later_section_makes_a_commitment_only_where_the_spec_writes_it(
        tmp_path: Path, path: tuple[str, ...], name: str, leave_out: tuple[str, ...] | None,
        words: str) -> None:
    data = sample(name)
    assert words in documents(tmp_path / "with", data)["mou"]
    without = drop(data, leave_out or path)
    # schema 1.3 refuses a faith-based partner or an internship without what they need; a 1.2
    # spec gets a notice and builds: without the clause
    without["schema_version"] = "1.2"
    assert words not in documents(tmp_path / "without", without)["mou"]


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
    # the 1.2 sample is the 1.0 spec with the commitments its old defaults made written in,
    # and with the optional sections that came later
    data = sample(LINCOLN)
    for path in (("general_terms",), ("permissions",), ("food_and_health",),
                 ("subcontractors",), ("funding", "rate"), ("data_sharing", "storage_limits"),
                 ("data_sharing", "no_profiling"), ("data_sharing", "subcontractors")):
        data = drop(data, path)
    file = tmp_path / "lincoln-1.2.json"
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert rendered(LEGACY / "lincoln-1.0.json", tmp_path) == rendered(file, tmp_path)


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
    assert [line for line in result.stderr.splitlines() if LANGUAGE_NOTICE not in line
            and not line.startswith(REVIEW_NOTICE)] == [
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
    # and the translations no person has reviewed
    assert all(LANGUAGE_NOTICE in line or line.startswith(REVIEW_NOTICE)
               for line in result.stderr.splitlines())


def test_renew_writes_in_each_commitment_last_years_spec_left_to_a_default(
        tmp_path: Path, in_repo) -> None:
    out = tmp_path / "next.json"
    result = CliRunner().invoke(cli, ["renew", "tests/data/legacy/jefferson-1.1.json",
                                      "--school-year", "2027-2028", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["schema_version"] == "1.3"
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
