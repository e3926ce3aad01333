"""Log records: one line whatever a name holds, secrets masked, and text a caller already
made visible (`one_line`) shown as it was, not escaped a second time."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from schema_assets.logs import MaskSecretsFilter
from schema_assets.render.text import one_line, unbroken, visible

LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _logged(msg: str, *args: object) -> str:
    record = logging.LogRecord("schema_assets", logging.INFO, __file__, 1, msg, args, None)
    MaskSecretsFilter().filter(record)
    return record.getMessage()


def test_a_name_with_a_newline_stays_on_the_log_line() -> None:
    assert _logged("dropping %s", "x\nINFO forged") == "dropping x\\nINFO forged"


def test_text_a_caller_escaped_is_logged_as_escaped_once() -> None:
    name = "a\\b\nc"
    assert _logged("step 1 (%s)", one_line(name)) == f"step 1 ({one_line(name)})"
    assert one_line(name) == "a\\\\b\\nc"


@given(st.text())
def test_unbroken_text_never_breaks_a_line_and_keeps_visible_text_as_is(text: str) -> None:
    out = unbroken(text)
    assert not any(b in out for b in LINE_BREAKS)
    assert out.splitlines() in ([], [out])
    assert unbroken(visible(text)) == visible(text)
