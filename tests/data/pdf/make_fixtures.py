"""Make rtl.pdf, the right-to-left fixture of tests/test_pdf_engine.py, with LibreOffice (not run by the tests).

LibreOffice draws Arabic and Hebrew glyphs in visual order, each piece of a line apart (the numbers, the
brackets, the full stop), a lam-alef as one glyph, and maps a mirrored bracket glyph to the bracket it stands
for. Run `python tests/data/pdf/make_fixtures.py` with `soffice` on the PATH (LibreOffice 7.4 made the file
committed, with DejaVu and FreeSerif subsets).
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from pathlib import Path

# The paragraphs, as they are read: the test expects exactly these lines.
RTL_LINES = [
    ("ar", "rtl", "لا أحد يعرف الجواب، والسلام عليكم (تحية) من الأدب العربي."),
    ("ar", "rtl", "في عام 2023 زار المكتبة 1500 قارئ لاحقًا."),
    ("he", "rtl", "בשנת 1948 הוכרזה העברית (שפה רשמית) במדינת ישראל."),
    ("he", "rtl", "מערכת Linux חדשה הותקנה היום."),
    ("en", "ltr", "The word سلام means peace in Arabic."),
]


def main() -> None:
    """Write rtl.pdf beside this script."""
    here = Path(__file__).parent
    # LibreOffice puts an HTML page's first paragraph on a page of its own that has no text: an empty one first.
    body = "<p>&nbsp;</p>" + "".join(f'<p dir="{d}" lang="{lang}">{html.escape(t)}</p>' for lang, d, t in RTL_LINES)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "rtl.html"
        page.write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>', encoding="utf-8")
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(here), str(page)],
            check=True,
        )


if __name__ == "__main__":
    main()
