"""A rendered document's zip (docgen.ooxml.archive.write_package) has the bytes it had when the
static members' directory was read back from their zip on every write: the same entries, the
same central directory, whatever the members, the parts replaced and the date."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.ooxml import archive

_NAMES = st.lists(st.sampled_from(["[Content_Types].xml", "_rels/.rels", "word/document.xml",
                                   "word/styles.xml", "word/header1.xml", "word/media/a.png",
                                   "docProps/core.xml", "word/"]),
                  min_size=1, max_size=8, unique=True)


@settings(max_examples=examples(100), deadline=None)
@given(_NAMES, st.data(), st.datetimes(min_value=dt.datetime(1970, 1, 1),
                                       max_value=dt.datetime(2200, 1, 1)))
def test_a_package_is_written_as_the_static_zip_with_the_parts_appended(names, data, when):
    members = [(name, b"" if name.endswith("/") else data.draw(st.binary(max_size=300)))
               for name in names]
    replaced = data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
    replace = {name: data.draw(st.binary(max_size=300)) for name in replaced}
    style = archive.rendered_style(when.replace(tzinfo=dt.timezone.utc))
    order = sorted(members, key=lambda m: m[0] != "[Content_Types].xml")
    static = [(name, raw) for name, raw in order if name not in replace]
    changed = [(name, replace[name]) for name, _ in order if name in replace]
    before = archive.append_zip(archive.write_zip(static, style), changed, style)
    assert archive.write_package(members, replace, style) == before
    assert archive.write_package(members, replace, style) == before  # the kept prefix again
    with zipfile.ZipFile(io.BytesIO(before)) as z:
        assert z.testzip() is None
        assert [i.filename for i in z.infolist()] == [n for n, _ in static + changed]
