"""Headless Chromium for tests: open a page, wait for it, take a screenshot or the DOM after JS ran.

Runs under Debian's /usr/bin/python3 (stdlib; image_region_is_blank needs python3-opencv).

How: Chromium speaks the DevTools protocol over two pipes (``--remote-debugging-pipe``: it reads
NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4), so no websocket
client and no port are needed. The one-shot ``--screenshot`` / ``--dump-dom`` modes are not used:
they fire at the page's load event, which for a page with a live MJPEG <img> comes with the first
frame and races the page's first /stats.json fetch (``--timeout`` and ``--virtual-time-budget``
do not delay them).

Every Chromium runs in its own process group with a fresh user-data-dir in a temp dir, and is
killed (the whole group) when the session ends, whatever happened. Every wait has a deadline.

    with Browser(width=1024, height=768) as b:
        b.open(url)
        b.wait_for("document.getElementById('stream').naturalWidth > 0", timeout_ms=5000)
        b.screenshot("/tmp/page.png")
        rect = b.element_rect("#stream")
        html = b.dom()
"""

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"

# Flags this machine needs: without the networking ones Chromium stalls at startup.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)

LAUNCH_TIMEOUT = 20.0   # seconds for Chromium to start and show its page target
COMMAND_TIMEOUT = 15.0  # seconds for one DevTools command to answer
CLOSE_TIMEOUT = 5.0     # seconds for Chromium to exit after Browser.close before it is killed


class BrowserError(RuntimeError):
    """Chromium failed, timed out or the page did not do what was awaited; says why (with stderr)."""


def chromium_path():
    """The Chromium binary; raises BrowserError if it is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        raise BrowserError("chromium is not installed: run scripts/install-deps.sh")
    return CHROMIUM


class Browser:
    """One headless Chromium with one page, driven over the DevTools protocol.

    Use as a context manager (or call close()): the process group is always killed and the
    user-data-dir removed.
    """

    def __init__(self, width=1024, height=768):
        self.width = width
        self.height = height
        self._proc = None
        self._to_chrome = None
        self._from_chrome = None
        self._buffer = b""
        self._events = []  # DevTools events read while waiting for a reply
        self._next_id = 0
        self._session = None
        self._tmp = tempfile.mkdtemp(prefix="netgear-chromium-")
        self._stderr_path = os.path.join(self._tmp, "stderr.txt")
        try:
            self._launch()
        except BaseException:
            self.close()
            raise

    # -- lifetime ---------------------------------------------------------------------------

    def _launch(self):
        binary = chromium_path()
        # Chromium wants the pipe on fds 3 (commands in) and 4 (replies out).
        cmd_read, cmd_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # Move the child's ends above 10 so the shell's 3<& / 4>& cannot clobber them (bash:
        # dash takes single-digit fds only).
        child_in = _fd_at_least(cmd_read, 10)
        child_out = _fd_at_least(reply_write, 10)
        user_data = os.path.join(self._tmp, "profile")
        argv = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={user_data}",
                f"--window-size={self.width},{self.height}", "about:blank"]
        script = f'exec "$0" "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-'
        with open(self._stderr_path, "wb") as stderr:
            self._proc = subprocess.Popen(
                ["/bin/bash", "-c", script, *argv],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                pass_fds=(child_in, child_out), start_new_session=True)
        for fd in {cmd_read, reply_write, child_in, child_out}:
            os.close(fd)
        self._to_chrome = cmd_write
        self._from_chrome = reply_read

        deadline = time.monotonic() + LAUNCH_TIMEOUT
        target = None
        while target is None:
            infos = self._command("Target.getTargets", session=False, deadline=deadline)
            target = next((t for t in infos["targetInfos"] if t["type"] == "page"), None)
            if target is None:
                self._sleep_until(min(deadline, time.monotonic() + 0.05), "Chromium to open its page")
        attached = self._command("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False, deadline=deadline)
        self._session = attached["sessionId"]
        self._command("Page.enable")
        self._command("Emulation.setDeviceMetricsOverride",
                      {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                       "mobile": False})

    def close(self):
        """Asks Chromium to exit, then kills its process group; removes the temp dir. Idempotent."""
        if self._proc is not None:
            if self._proc.poll() is None and self._to_chrome is not None:
                try:
                    self._send("Browser.close", {}, session=False)
                    self._proc.wait(timeout=CLOSE_TIMEOUT)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)  # helpers (renderer, zygote) too
            except ProcessLookupError:
                pass
            try:
                self._proc.wait(timeout=CLOSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
            self._proc = None
        for fd in (self._to_chrome, self._from_chrome):
            if fd is not None:
                os.close(fd)
        self._to_chrome = self._from_chrome = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- page -------------------------------------------------------------------------------

    def open(self, url, timeout_ms=10000):
        """Navigates to url; returns at DOMContentLoaded (not at load: a page with a live stream
        never finishes loading), so the page's scripts have run. Raises BrowserError if the
        navigation fails (e.g. connection refused) or takes longer than timeout_ms."""
        deadline = time.monotonic() + timeout_ms / 1000
        self._events.clear()
        result = self._command("Page.navigate", {"url": url}, deadline=deadline)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        self._wait_event("Page.domContentEventFired", deadline)

    def evaluate(self, expression):
        """The value of a JS expression in the page (JSON-able values; promises are awaited)."""
        result = self._command("Runtime.evaluate",
                               {"expression": expression, "returnByValue": True,
                                "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JS error in {expression!r}: {text}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout_ms=5000, poll_ms=50):
        """Waits until the JS expression is truthy; returns its value. A JS error counts as
        "not yet" (elements a script adds later). Raises BrowserError with the last value or
        error after timeout_ms."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError as error:
                value = error
            else:
                if value:
                    return value
            if time.monotonic() >= deadline:
                raise BrowserError(f"timed out after {timeout_ms} ms waiting for {expression!r} "
                                   f"(last: {value})")
            self._sleep_until(min(deadline, time.monotonic() + poll_ms / 1000), expression)

    def settle(self, wait_ms):
        """Lets the page run for wait_ms (for callers with nothing specific to wait for)."""
        self._sleep_until(time.monotonic() + wait_ms / 1000, "the page to settle")

    def screenshot(self, out_png):
        """Writes the viewport (width x height) as PNG to out_png."""
        result = self._command("Page.captureScreenshot", {"format": "png"})
        with open(out_png, "wb") as out:
            out.write(base64.b64decode(result["data"]))

    def dom(self):
        """The serialized DOM as it is now (after JS ran)."""
        return self.evaluate("document.documentElement.outerHTML")

    def element_rect(self, selector):
        """(x, y, width, height) in viewport pixels of the first element matching selector."""
        rect = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return null;"
            " const r = e.getBoundingClientRect();"
            " return [r.left, r.top, r.width, r.height]; })()" % json.dumps(selector))
        if rect is None:
            raise BrowserError(f"no element matches {selector!r}")
        return tuple(int(round(v)) for v in rect)

    # -- DevTools protocol over the pipe ----------------------------------------------------

    def _send(self, method, params, session=True):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        data = json.dumps(message).encode() + b"\0"
        while data:  # the pipe is blocking; Chromium reads it continuously
            written = os.write(self._to_chrome, data)
            data = data[written:]
        return self._next_id

    def _command(self, method, params=None, session=True, deadline=None):
        if deadline is None:
            deadline = time.monotonic() + COMMAND_TIMEOUT
        try:
            wanted = self._send(method, params, session)
        except BrokenPipeError:
            raise BrowserError(f"chromium exited before {method}{self._stderr_tail()}") from None
        while True:
            message = self._read_message(deadline, method)
            if "method" in message:
                self._events.append(message)
                continue
            if message.get("id") != wanted:
                continue  # a reply to a command given up on
            if "error" in message:
                raise BrowserError(f"{method} failed: {message['error']}")
            return message.get("result", {})

    def _wait_event(self, method, deadline):
        """The first event `method` of our page session since the last clear."""
        while True:
            for index, event in enumerate(self._events):
                if event["method"] == method and event.get("sessionId") == self._session:
                    return self._events.pop(index)
            self._events.clear()  # none of them is it; keep the list short
            message = self._read_message(deadline, method)
            if "method" in message:
                self._events.append(message)

    def _read_message(self, deadline, waiting_for):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"timed out waiting for {waiting_for}{self._stderr_tail()}")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited while waiting for {waiting_for}"
                                   f"{self._stderr_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _sleep_until(self, until, what):
        """Sleeps until `until`, failing early if Chromium died."""
        if self._proc is not None and self._proc.poll() is not None:
            raise BrowserError(f"chromium exited (status {self._proc.returncode}) while waiting "
                               f"for {what}{self._stderr_tail()}")
        time.sleep(max(0.0, until - time.monotonic()))

    def _stderr_tail(self, lines=15):
        try:
            with open(self._stderr_path, "rb") as f:
                text = f.read().decode(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return ("\n--- chromium stderr (tail) ---\n" + "\n".join(text[-lines:])) if text else ""


def _fd_at_least(fd, lowest):
    """A duplicate of fd numbered lowest or above (the original stays open)."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD, lowest)


# -- one-shot helpers -------------------------------------------------------------------------

def screenshot(url, out_png, width=1024, height=768, wait_ms=3000, until=None):
    """Opens url in a fresh headless Chromium and writes a width x height PNG to out_png.

    Without `until`, captures after wait_ms. With `until` (a JS expression), captures as soon
    as it is truthy, and raises BrowserError if it is not within wait_ms.
    Raises BrowserError on any failure or timeout; Chromium is always killed.
    """
    with Browser(width, height) as browser:
        browser.open(url)
        _wait(browser, wait_ms, until)
        browser.screenshot(out_png)


def dump_dom(url, wait_ms=3000, until=None):
    """The page's DOM after JS ran: after wait_ms, or as soon as `until` (JS) is truthy
    (BrowserError if not within wait_ms)."""
    with Browser() as browser:
        browser.open(url)
        _wait(browser, wait_ms, until)
        return browser.dom()


def element_rect(url, selector, width=1024, height=768, wait_ms=3000, until=None):
    """(x, y, width, height) of the first element matching selector, in a width x height
    viewport (as screenshot() lays the page out), after wait_ms or once `until` is truthy.
    Sizes can change while the page loads (an <img> gets its size from its first frame): wait
    for what matters, e.g. until="document.getElementById('stream').naturalWidth > 0"."""
    with Browser(width, height) as browser:
        browser.open(url)
        _wait(browser, wait_ms, until)
        return browser.element_rect(selector)


def _wait(browser, wait_ms, until):
    if until is None:
        browser.settle(wait_ms)
    else:
        browser.wait_for(until, timeout_ms=wait_ms)


def image_region_std(png, rect):
    """Pixel standard deviation (over all channels) of rect = (x, y, w, h) in a PNG."""
    import cv2  # python3-opencv; only this helper needs it
    image = cv2.imread(str(png), cv2.IMREAD_COLOR)
    if image is None:
        raise BrowserError(f"cannot read image {png}")
    x, y, w, h = rect
    region = image[max(0, y):y + h, max(0, x):x + w]
    if region.size == 0:
        raise BrowserError(f"region {rect} is outside the {image.shape[1]}x{image.shape[0]} image")
    return float(region.reshape(-1).std())


def image_region_is_blank(png, rect, min_std=8.0):
    """True if rect = (x, y, w, h) of the PNG is (nearly) one colour: std-dev below min_std."""
    return image_region_std(png, rect) < min_std


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 3:
        sys.exit("usage: browser.py URL OUT.png   (screenshot after 3 s)")
    screenshot(sys.argv[1], sys.argv[2])
