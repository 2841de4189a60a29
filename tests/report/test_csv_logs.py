"""logger=csv: a resumed run keeps the curves its earlier steps wrote (in logs-1/, logs-2/, ...)."""

from gencner.tracking import CsvTracker


def _log(tracker, value):
    tracker.logger.log_metrics({"train/loss": value}, step=0)
    tracker.logger.save()


def test_a_resumed_run_keeps_the_earlier_metrics_file(tmp_path):
    _log(CsvTracker(tmp_path), 1.5)
    first = (tmp_path / "logs" / "metrics.csv").read_text()
    assert "1.5" in first
    _log(CsvTracker(tmp_path), 0.25)  # the resumed run
    _log(CsvTracker(tmp_path), 0.125)  # resumed once more
    logs = tmp_path / "logs"
    assert (tmp_path / "logs-1" / "metrics.csv").read_text() == first
    assert "0.25" in (tmp_path / "logs-2" / "metrics.csv").read_text()
    assert "0.125" in (logs / "metrics.csv").read_text()
