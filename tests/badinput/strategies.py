"""What people actually type, and worse: hypothesis strategies for answers and CSV cells."""

from __future__ import annotations

from hypothesis import strategies as st

PLAUSIBLE = ["yes", "no", "y", "N", "ok", "3", "0", "6", "-1", "1.5", "²", "٣", "１", "9" * 5000, "60 minutes",
             "14/12/2026", "31/02/2026", "2026-02-29", "29 February", "Tue 1 Dec 2026 10:00", "1/12/2026 25:00",
             "tomorrow", "today 3pm", "12:00am", "13pm", "confirm", "back", "skip", "cancel", "help", "status",
             "prep", "", "   ", "\n", "\x00", "<script>alert(1)</script>", "'; DROP TABLE person; --", "🙂" * 50,
             "é" * 301, "a" * 3001, "Robert'); --", "\u202e\u202d", "NaN", "inf", "1e309", "00000000000000000001"]

answers = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=60),
                    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=400),
                    st.from_regex(r"\A[0-9 :/.\-apmAPM]{1,20}\Z"))
