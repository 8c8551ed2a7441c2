"""Headless Chromium for the tests: a page's DOM, its computed styles, its requests, a screenshot.

``Browser`` drives Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in a NUL byte on file descriptors 3 and 4), so no port is opened and no
automation package (nor a browser it would download) is needed.  ``dump_dom`` runs Chromium's own
``--dump-dom``.  Every run has a fresh profile and Chromium's background traffic turned off.

Tests that need Chromium use ``@requires_chromium``: without Chromium they skip, except under CI
(``CI`` set), where it is installed on purpose and its absence must fail the run.

Debian package: ``chromium`` (``apt-get install -y --no-install-recommends chromium``).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

__all__ = ["Browser", "chromium_path", "dump_dom", "requires_chromium", "BASE_ARGS"]

_INSTALL_HINT = "apt-get install -y --no-install-recommends chromium"
BASE_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--mute-audio", "--hide-scrollbars",
)


def chromium_path() -> str | None:
    explicit = os.environ.get("CSP_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


requires_chromium = pytest.mark.skipif(
    not _in_ci() and chromium_path() is None,
    reason=f"Chromium not installed ({_INSTALL_HINT})",
)


def _need_chromium() -> str:
    path = chromium_path()
    if path is None:
        raise RuntimeError(f"Chromium is not installed; install it: {_INSTALL_HINT}")
    return path


def dump_dom(url: str, *extra: str, timeout: float = 60) -> str:
    """The page's DOM after load, serialised by Chromium (``--dump-dom``)."""
    chromium = _need_chromium()
    with tempfile.TemporaryDirectory(prefix="csp-test-chromium-") as profile:
        done = subprocess.run([chromium, *BASE_ARGS, f"--user-data-dir={profile}", *extra, "--dump-dom", url],
                              capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": profile})
    if done.returncode != 0:
        raise RuntimeError(f"chromium --dump-dom exited with {done.returncode}: {done.stderr[-500:]}")
    return done.stdout


class Browser:
    """One headless Chromium, driven over the DevTools protocol on a pipe; one page at a time."""

    def __init__(self, *extra: str, timeout: float = 60) -> None:
        self.extra = extra
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self._buffer = b""

    def __enter__(self) -> "Browser":
        chromium = _need_chromium()
        self._profile = tempfile.TemporaryDirectory(prefix="csp-test-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends, parked above the low numbers so that moving them to 3 and 4 is safe
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)

        def fds_3_and_4() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self._process = subprocess.Popen(
            [chromium, *BASE_ARGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
             *self.extra, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=fds_3_and_4, env={**os.environ, "HOME": self._profile.name},
        )
        for fd in (to_child_r, from_child_w, high_r, high_w):
            os.close(fd)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        self._profile.cleanup()

    # ---- protocol ----

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, session=True, **params)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_child], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"Chromium did not answer within {self.timeout} s")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit status {self._process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    # ---- what the tests use ----

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Load a page at a desktop window size, recording its network requests."""
        self.page("Network.enable")
        self.page("Page.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.page("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def requests(self) -> list[str]:
        """The URLs of every request the page made."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def evaluate(self, expression: str) -> Any:
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        """A PNG of the whole page (beyond the window), written to ``path``."""
        size = self.page("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = base64.b64decode(self.page("Page.captureScreenshot", format="png", clip=clip,
                                          captureBeyondViewport=True)["data"])
        Path(path).write_bytes(data)
        return data
