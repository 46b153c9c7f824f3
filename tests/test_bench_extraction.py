"""`python -m bench.extraction`: the extraction comparison of `make bench` on its own, stage by stage."""

from __future__ import annotations

import pytest
from bench.extraction import STAGES, main


def test_the_extraction_comparison_runs_alone(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--pages", "4", "--extract-sample", "3", "--extract-rounds", "1"])
    out = capsys.readouterr().out
    assert "3 pages x 1 rounds, one core, cpu time" in out
    assert "ours / trafilatura" in out
    assert all(f"{stage} " in out.split("stages: ", 1)[1] for stage in STAGES)


def test_a_sample_of_no_pages_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--extract-sample", "0"])
    assert stopped.value.code != 0
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("must be at least 1")
