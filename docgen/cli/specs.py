"""The commands on specs and what they build: validate, build, context, explain, schema,
spec-from-pdf, verify, sign, doctor."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DocgenError, OutputError, Problem, UsageError
from ..i18n.locales import DEFAULT_LOCALE, locale_problem
from ..i18n.scripts import script_of
from ..resources import Resources
from .options import (emit_error, named, pdf_line, resources_from,
                      source_date)

if TYPE_CHECKING:
    from ..build.result import BuildResult


@click.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("--locales", "locales", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs the notice languages are checked against "
                   "[default: docgen's own locales/].")
def validate(specs: tuple[str, ...], locales: str | None) -> int:
    """Check specs against the schema and the partnership rules.

    SPEC can be files, folders (every .json below them) or glob patterns, as for build.
    Every problem is reported at once, as FILE:LINE:COL: $.json.path: message. Exit 0 when every
    spec is valid, 1 when any is not.

    A valid spec written for schema 1.0 or 1.1 may still promise something it does not write:
    a commitment (a termination notice, encryption, who pays…) that its version gave a
    default. Each is a "notice:" line on stderr naming the path and the line to write in;
    notices do not make a spec invalid (exit 0). `docgen renew` writes them in. So is a
    section the partner's type needs and the spec lacks (a faith-based partner's
    faith_based section, an internship's employer of record and wage). A notice line
    also names each family-notice language no contact speaks.

    \b
    Example:
      docgen validate samples/lincoln-elementary-bright-futures.json
      docgen validate district/2026-27/
    """
    from ..build.run import spec_files_from
    from ..context import language_contact_notices, old_default_notices
    from ..spec.schema import check_spec, read_spec
    from ..spec.sections import section_notices

    files = spec_files_from(list(specs))
    resources = resources_from(None, locales)
    bad = 0
    unreviewed: list[str] = []
    fallbacks: list[str] = []
    for file in files:
        try:
            spec = read_spec(file)
            problems = check_spec(spec, resources)
        except DocgenError as e:
            problems = e.problems
        if problems:
            bad += 1
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            for notice in (old_default_notices(spec) + section_notices(spec)
                           + language_contact_notices(spec)):
                click.echo(str(notice), err=True)
            unreviewed += unreviewed_languages(spec, resources.locales)
            fallbacks += [t for t in (spec.data.get("family_notices") or {}).get("languages")
                          or [] if isinstance(t, str) and script_of(t).fallback]
            click.echo(f"{file}: valid")
    if unreviewed:  # once for the run, before its count
        click.echo(unreviewed_line(unreviewed), err=True)
    for line in fallback_lines(fallbacks):
        click.echo(line, err=True)
    if bad and len(files) > 1:
        noun = "specs has" if bad == 1 else "specs have"  # "1 of 2 specs has"
        click.echo(f"{bad} of {len(files)} {noun} problems", err=True)
    return 1 if bad else 0


@click.command(name="build")
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              callback=named, help="Folder to write into; each spec gets OUT/<spec id>/.")
@click.option("--no-pdf", is_flag=True, help="Write DOCX only; no LibreOffice needed.")
@click.option("--force", is_flag=True,
              help="Replace docgen's own files in an existing output folder; other files stay.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True),
              help="Folder of your own templates (mou.docx, …) used instead of the shipped ones.")
@click.option("--locales", "locales", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs (LANGUAGE/LC_MESSAGES/docgen.po) to build the "
                   "family notices from [default: docgen's own locales/].")
@click.option("--spec-locales", type=click.Path(file_okay=False, exists=True),
              help="Folder holding the catalogs of each spec's own text, as "
                   "DIR/<spec-stem>.locales/<language>.po [default: beside each spec].")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Specs rendered in parallel, and LibreOffice workers [default: one per core].")
@click.option("--allow-incomplete", is_flag=True,
              help="Build family notices even when their catalog lacks, or has unreviewed, "
                   "translations; they are marked DRAFT, and so is the manifest.")
def build_command(specs: tuple[str, ...], out_dir: str, no_pdf: bool, force: bool,
                  templates: str | None, locales: str | None, spec_locales: str | None,
                  jobs: int | None, allow_incomplete: bool) -> int:
    """Build the MOU, data-sharing agreement, role chart, family notices, their PDFs and packet.

    SPEC can be files, folders (every .json below them) or glob patterns. For each spec,
    writes OUT/<spec id>/: mou.docx, data-sharing-agreement.docx (only when the spec shares
    student data), role-chart.docx, notices/notice-<language>.docx (a letter to families for
    each language in family_notices.languages), a PDF of each, packet.pdf and manifest.json.
    A notice not in English shows the spec's own text from its catalog,
    <spec-stem>.locales/<language>.po beside the spec (docgen i18n extract --spec).

    A spec with problems is reported and the others are built. A folder already built from
    the same spec, templates and docgen is skipped, so a run that was interrupted carries on
    where it stopped. SOURCE_DATE_EPOCH, when set, fixes the documents' dates.

    \b
    Example:
      docgen build samples/*.json -o out
      docgen build district/2026-27/ -o out --jobs 4
      docgen build partner.json -o out --force --no-pdf
    """
    from ..build.run import BuildOptions, build, spec_files_from

    files = spec_files_from(list(specs))
    workers = jobs or os.cpu_count() or 1
    resources = resources_from(templates, locales)
    options = BuildOptions(Path(out_dir), force=force, resources=resources,
                           source_date=source_date(), pdf=not no_pdf, jobs=workers,
                           pdf_workers=workers, allow_incomplete=allow_incomplete,
                           spec_locales=Path(spec_locales) if spec_locales else None)
    interactive = sys.stderr.isatty() and len(files) > 1
    later: list[BuildResult] = []

    def drafts(result: BuildResult) -> None:
        for path, count in result.drafts:
            click.echo(f"{result.folder}/{path}: DRAFT: {count} catalog problem"
                       f"{'s' if count != 1 else ''} (listed in manifest.json); the letter "
                       "says so at the top", err=True)
        for path, detail in result.font_problems:
            click.echo(f"{result.folder}/{path}: warning: {detail}", err=True)

    def report(result: BuildResult) -> None:
        if interactive:
            later.append(result)
        elif result.error:
            emit_error(result.error)
        elif result.skipped:
            click.echo(f"{result.spec_file}: up to date in {result.folder}/, skipped")
        else:
            click.echo(f"{result.spec_file}: wrote {result.folder}/ "
                       f"({', '.join(result.written)})")
            drafts(result)

    bars: dict[str, Any] = {}

    def on_spec(result: BuildResult) -> None:
        report(result)
        if "docx" in bars:
            bars["docx"].update(1)

    def on_pdf(done: int, total: int, item: Any) -> None:
        if interactive:
            if "pdf" not in bars:
                bars["pdf"] = click.progressbar(length=total, label="PDFs     ", show_pos=True,
                                                show_eta=True, file=sys.stderr)
                bars["pdf"].__enter__()
            bars["pdf"].update(1)

    if interactive:
        bars["docx"] = click.progressbar(length=len(files), label="Documents", show_pos=True,
                                         show_eta=True, file=sys.stderr)
        bars["docx"].__enter__()
    try:
        results = build(files, options, on_spec=on_spec, on_pdf=on_pdf)
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    for result in later:
        if result.error:
            emit_error(result.error)
        drafts(result)
    return _report_build(results)


def unreviewed_languages(spec: Any, base: Path, spec_locales: Path | None = None) -> list[str]:
    """The notice languages of ``spec`` whose translation no person has reviewed: its catalog
    in ``base``, or the catalog of the spec's own text, does not say X-Reviewed: yes."""
    from ..i18n.locales import canonical, catalog_path, normalise
    from ..i18n.review import notice_review
    from ..i18n.spectext import catalog_file, needs_catalog

    out = []
    for tag in dict.fromkeys(normalise(t) for t in ((spec.data.get("family_notices") or {})
                                                    .get("languages") or [])):
        if not needs_catalog(tag):
            continue
        reviewed, _ = notice_review([("", catalog_path(canonical(tag, base) or tag, base)),
                                     ("", catalog_file(spec.file, tag, spec_locales))])
        if not reviewed:
            out.append(tag)
    return out


def unreviewed_line(languages: list[str], notices: int | None = None) -> str:
    """The one line a build (``notices``: how many notices) or a validation prints about the
    translations no person has reviewed, naming their languages once each."""
    tags = ", ".join(dict.fromkeys(languages))
    count = "" if notices is None else f" ({notices} notice{'s' if notices != 1 else ''})"
    one = len(dict.fromkeys(languages)) == 1
    noun, them, they = ("translation", "it", "it goes") if one else ("translations", "them",
                                                                      "they go")
    return (f"notice: not reviewed by a person: the {tags} {noun}{count}; have a translator "
            f"check {them} before {they} to families, and record the review in the "
            "catalog's X-Reviewed header (README: Recording a translator's review)")


def fallback_lines(languages: list[str]) -> list[str]:
    """The "notice:" line a build or a validation prints, once a run, for each notice language
    whose dates and numbers are written with a fallback format (CLDR has no data, or only
    partial data, for it), saying which format."""
    from ..i18n.update import init_warnings

    return [f"notice: {line}" for tag in dict.fromkeys(languages) for line in init_warnings(tag)]


def _report_build(results: list[BuildResult]) -> int:
    """Print the PDFs written, each PDF problem once, and the count of a batch."""
    pdf_lines: set[Problem] = set()
    for result in results:
        pdfs = [n for n in result.written if n.endswith(".pdf")]
        if pdfs and not result.error:
            click.echo(f"{result.folder}/: wrote {', '.join(pdfs)}")
        for problem in result.pdf_errors:
            if problem not in pdf_lines:  # a missing LibreOffice is said once, not per spec
                pdf_lines.add(problem)
                click.echo(pdf_line(problem), err=True)
    # once for the run, before its count: the notices no person has reviewed
    unreviewed = [tag for r in results if r.error is None for tag in r.unreviewed]
    if unreviewed:
        click.echo(unreviewed_line(unreviewed, len(unreviewed)), err=True)
    for line in fallback_lines([t for r in results if r.error is None for t in r.fallbacks]):
        click.echo(line, err=True)
    failed = [r for r in results if r.error]
    built = sum(1 for r in results if r.error is None and not r.skipped)
    skipped = sum(1 for r in results if r.error is None and r.skipped)
    if len(results) > 1:
        line = f"{built} built, {skipped} skipped, {len(failed)} failed"
        if pdf_lines:
            line += f"; {len(pdf_lines)} PDF problem{'s' if len(pdf_lines) > 1 else ''} above"
        click.echo(line, err=bool(failed or pdf_lines))
        for result in failed:
            assert result.error is not None
            click.echo(f"  failed: {result.error.lines()[0]}", err=True)
    if failed or pdf_lines:
        return max([r.error.exit_code for r in failed if r.error] + [1])
    return 0


@click.command()
@click.argument("spec", metavar="SPEC")
@click.option("--locale", default=DEFAULT_LOCALE, show_default=True,
              help="BCP 47 tag of the language to format dates and amounts in.")
@click.option("--notice", "notice", metavar="LANG", default=None,
              help="Print what the family notice in LANG sees instead (with its 'notice').")
def context(spec: str, locale: str, notice: str | None) -> None:
    """Print, as JSON, exactly the values templates see for SPEC.

    The reference for template authors: every name here can be used in a template as
    {{ name }}, {{ parent.child }} or in {% for … %} loops. With --notice, the values of
    notice.docx in that language, among them notice, the facts it tells families.

    \b
    Example:
      docgen context samples/lincoln-elementary-bright-futures.json
      docgen context partner.json --locale es
      docgen context partner.json --notice es
    """
    import json

    from ..context import build_context
    from ..explain import notice_context
    from ..spec.schema import load_spec

    if locale != DEFAULT_LOCALE and locale_problem(locale):
        raise UsageError(f"--locale: {locale_problem(locale)}")
    loaded = load_spec(spec)
    ctx: dict[str, Any] = (build_context(loaded.data, locale=locale) if notice is None else {
        k: v for k, v in notice_context(loaded, notice, Resources.shipped()).items()
        if not k.startswith("_")})
    click.echo(json.dumps(ctx, indent=2, ensure_ascii=False, sort_keys=True))


@click.command()
@click.argument("spec", metavar="SPEC")
@click.option("--document", "document", default="mou", show_default=True,
              metavar="mou|data-sharing-agreement|role-chart|notice-LANG",
              help="The document to explain; notice-es is the Spanish family notice.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True),
              help="Folder of your own templates, as for build.")
def explain(spec: str, document: str, templates: str | None) -> None:
    """List where each clause of a document comes from: its template paragraph and spec paths.

    One line per paragraph rendered for SPEC, in the order of the document:
    TEMPLATE ¶N ← PATHS: "TEXT". N is the paragraph's number in the template (as in template
    error messages); PATHS are the spec values it draws on, its own and those of the
    {%p if %} or {%p for %} blocks around it ("(old default)" marks a value a schema 1.0 or 1.1
    spec leaves to its version's default). A paragraph of the template's own words says so.

    \b
    Example:
      docgen explain samples/lincoln-elementary-bright-futures.json
      docgen explain partner.json --document data-sharing-agreement
      docgen explain partner.json --document notice-es
    """
    from ..explain import explain as explain_clauses
    from ..spec.schema import load_spec

    resources = resources_from(templates, None)
    for clause in explain_clauses(load_spec(spec), document, resources):
        click.echo(clause.line())


@click.command(name="schema")
def schema_command() -> None:
    """Print the partnership JSON Schema, to save beside your specs for your editor.

    Point a spec's "$schema" at the saved file and editors such as VS Code show each field's
    title and description, and complete field names, while you type.

    \b
    Example:
      docgen schema > partnership.schema.json
    """
    click.echo(Resources.shipped().schema.read_text(encoding="utf-8"), nl=False)


@click.command(name="spec-from-pdf")
@click.argument("packet", metavar="PACKET.pdf")
def spec_from_pdf(packet: str) -> None:
    """Print the spec a signing packet was built from (its spec.json attachment).

    \b
    Example:
      docgen spec-from-pdf out/lincoln-es-bright-futures-2026-27/packet.pdf > spec.json
    """
    import json

    from ..pdf.packet import spec_from_packet

    data = spec_from_packet(Path(packet))
    try:
        json.loads(data.decode("utf-8"))
        problem = None
    except ValueError as e:  # UnicodeDecodeError is one
        problem = str(e)
    if problem is not None or sys.stdout.isatty():
        data = escaped(data)  # never a terminal's control codes from someone else's file
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except OSError as e:
        raise OutputError(f"cannot write the spec to standard output: {e.strerror or e}") from None
    if problem is not None:
        raise OutputError.at(packet, f"its spec.json attachment is not JSON ({problem}); it "
                             "was printed with its control characters escaped, as \\x1b; it "
                             "is not a spec docgen can build")


@click.command(name="verify")
@click.argument("packet", metavar="PACKET.pdf")
@click.option("--against", type=click.Path(file_okay=False), metavar="OUT/<id>",
              help="The folder docgen built the packet in, to compare with [default: the "
                   "packet's own folder, if docgen built it there].")
def verify(packet: str, against: str | None) -> int:
    """Check a signing packet that came back: its attached spec, the text of every page and
    every signature, one line each; exit 1 on any difference.

    \b
    Example:
      docgen verify signed/packet.pdf --against out/lincoln-es-bright-futures-2026-27
    """
    from ..pdf.verify import verify_packet

    verdicts = verify_packet(Path(packet), Path(against) if against else None)
    for verdict in verdicts:
        click.echo(verdict.line())
    return 0 if all(v.ok for v in verdicts) else 1


@click.command(name="sign")
@click.argument("packet", metavar="PACKET.pdf")
@click.option("--pkcs12", "pkcs12", required=True, type=click.Path(dir_okay=False),
              metavar="FILE", help="The district's key and certificate (.p12 or .pfx).")
@click.option("--password", envvar="DOCGEN_PKCS12_PASSWORD", prompt="PKCS#12 password",
              hide_input=True, default="", show_default=False,
              help="The PKCS#12 file's password [default: asked; or set "
                   "DOCGEN_PKCS12_PASSWORD].")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), callback=named,
              help="Where to write the certified packet.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def sign_command(packet: str, pkcs12: str, password: str, out: str, force: bool) -> None:
    """Certify a signing packet with the district's signature (a certification signature that
    allows the signatories to sign their fields, and nothing else, after it).

    \b
    Example:
      docgen sign out/lincoln-es-bright-futures-2026-27/packet.pdf --pkcs12 district.p12 \\
        -o certified/packet.pdf
    """
    from ..inputs import InputRefused, read_input
    from ..pdf.packet import read_packet
    from ..pdf.sign import certify
    from ..redline.files import save_files

    data = read_packet(Path(packet)).data
    try:
        key = read_input(pkcs12, 1024 * 1024, "PKCS#12 file")
    except InputRefused as e:
        raise OutputError.at(pkcs12, e.reason) from None
    except OSError as e:
        raise OutputError.at(pkcs12, f"cannot be read ({e.strerror or e})") from None
    signed = certify(packet, data, key, password.encode("utf-8") if password else None, pkcs12)
    save_files([(Path(out), signed)], force=force, inputs=(Path(packet), Path(pkcs12)))
    click.echo(f"Wrote {out}: certified by the holder of {pkcs12}; the signatories can sign "
               "their fields")


#: Control characters (C0 but tab and line end, DEL, C1) and direction controls.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escaped(data: bytes) -> bytes:
    r"""Return ``data`` as UTF-8 text with every control character written out.

    >>> escaped(b"ok\x1b[2J\xff\n")
    b'ok\\x1b[2J\\xff\n'
    """
    text = data.decode("utf-8", "backslashreplace")

    def write_out(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROLS.sub(write_out, text).encode("utf-8")


@click.command()
@click.argument("specs", nargs=-1, metavar="[SPEC...]")
@click.option("--locales", "catalogs", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs the notices are written from "
                   "[default: docgen's own locales/].")
def doctor(specs: tuple[str, ...], catalogs: str | None) -> int:
    """Report the PDF converter, its version, and which scripts have an installed font.

    Without specs, check the font of each language with a catalog (--locales, else docgen's
    own), and that installed fonts have every character of its translations. With specs, check the font of each family-notice language, and that installed fonts
    have every character of each notice. Exit 1 when something is missing.

    \b
    Example:
      docgen doctor
      docgen doctor samples/*.json
      docgen doctor my-spec.json --locales my-locales
    """
    from ..doctor import checks as doctor_checks

    locales: list[str] | None = None
    texts: dict[str, str] = {}
    if specs:
        from ..build.run import spec_files_from

        locales = []
        for file in spec_files_from(list(specs)):
            for tag, text in _notice_texts(file, resources_from(None, catalogs)).items():
                locales.append(tag)
                texts[tag] = texts.get(tag, "") + text
    if not specs:  # every language of the catalog folder, with its translations' characters
        from ..doctor import catalog_languages

        locales, texts = catalog_languages(Path(catalogs) if catalogs else None)
    results = doctor_checks(locales, texts, of="notice" if specs else "catalog")
    for check in results:
        click.echo(f"{'ok     ' if check.ok else 'MISSING'}  {check.name}: {check.detail}")
    if not all(c.ok for c in results):
        return 1
    return 0


def _notice_texts(file: str, resources: Resources) -> dict[str, str]:
    """Return the text of each family notice the spec ``file`` calls for, by language."""
    import tempfile

    from ..build.documents import BuildOptions, notice_kinds, render_documents
    from ..doctor import docx_text
    from ..spec.schema import load_spec

    spec = load_spec(file, resources)
    with tempfile.TemporaryDirectory() as folder:
        options = BuildOptions(Path(folder), resources=resources, allow_incomplete=True)
        if not notice_kinds(spec, options):
            return {}
        return {kind.locale: docx_text(data) for kind, _, data in
                render_documents(spec, options) if kind.locale}

