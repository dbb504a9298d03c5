"""JSON log lines: one per request on ``loginkit.access``, carrying TikTok's ``log_id``.

Lines leave the request path through a queue; a writer thread formats whatever has queued up
every 50 ms and writes it with one ``write``, so under load many lines share a system call and
no request waits on stderr. Access lines skip ``logging.LogRecord`` altogether when this
module's writer is installed: building a record cost more than the line itself.
"""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
import time
from logging.handlers import QueueHandler
from typing import Any, TextIO

import orjson

__all__ = ["configure_logging", "log_request"]

access_log = logging.getLogger("loginkit.access")

AccessLine = tuple[float, dict[str, Any]]
"""When, and the fields of one access line."""


def _json_line(created: float, level: str, logger: str, fields: dict[str, Any]) -> str:
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "level": level,
        "logger": logger,
        **fields,
    }
    return orjson.dumps(entry, default=str).decode()


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        entry = dict(fields) if isinstance(fields, dict) else {"message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _json_line(record.created, record.levelname.lower(), record.name, entry)


class _DeferredQueueHandler(QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # The stock handler formats here, on the caller's thread; the writer thread does it.
        return record


class _BatchWriter:
    """Every ``interval`` seconds, formats what has queued up and writes it at once.

    It sleeps rather than waiting on the queue, so queueing a line wakes no thread: handing the
    interpreter to a writer thread per request cost more than the line itself.
    """

    def __init__(self, stream: TextIO, interval: float = 0.05) -> None:
        self.lines: queue.SimpleQueue[logging.LogRecord | AccessLine] = queue.SimpleQueue()
        self._stream = stream
        self._interval = interval
        self._formatter = _JsonLines()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loginkit-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            self._drain()
        self._drain()

    def _format(self, line: logging.LogRecord | AccessLine) -> str:
        if isinstance(line, logging.LogRecord):
            return self._formatter.format(line)
        created, fields = line
        return _json_line(created, "info", access_log.name, fields)

    def _drain(self) -> None:
        lines = []
        while not self.lines.empty():
            lines.append(self._format(self.lines.get_nowait()))
        if lines:
            self._stream.write("\n".join(lines) + "\n")
            self._stream.flush()

    def stop(self) -> None:
        """Write what is queued, then end the thread (at exit, so no line is lost)."""
        self._stopping.set()
        self._thread.join(timeout=5)


_writer: _BatchWriter | None = None


def configure_logging(level: str = "info") -> None:
    global _writer
    if _writer is not None:
        _writer.stop()
    _writer = _BatchWriter(sys.stderr)
    atexit.register(_writer.stop)
    root = logging.getLogger("loginkit")
    root.handlers[:] = [_DeferredQueueHandler(_writer.lines)]
    root.setLevel(level.upper())
    root.propagate = False


def log_request(**fields: Any) -> None:
    """Never pass secrets or tokens here: only identifiers and outcomes."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    if _writer is not None:
        _writer.lines.put((time.time(), fields))
    else:
        access_log.info("request", extra={"fields": fields})
