"""cdp.py - drive Debian's headless Chromium over the DevTools protocol on
a pipe (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each
message JSON ended by a NUL), so the tests need no npm package and no
WebSocket library, only python3 and chromium.

    with Browser(profile_dir) as b:
        page = b.new_page()
        page.goto(url)
        page.wait("document.body.dataset.ready === '1'")
        page.key("x")
"""
import base64
import json
import os
import subprocess
import time


class Error(Exception):
    pass


class Browser:
    def __init__(self, profile, width=1280, height=900, timeout=60):
        self.profile, self.size, self.timeout = profile, (width, height), timeout
        self.proc = None
        self.next_id = 0
        self.events = []
        self.buf = b""

    def __enter__(self):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # copies first: a pipe may already sit on 3 or 4; dup2 leaves
            # 3 and 4 inheritable, every other pipe end closes at exec
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        # as root in a container: no sandbox, no GPU, nothing from the network
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-default-apps",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % self.size, "about:blank"],
            close_fds=False, preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise Error("chromium did not answer in time")
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise Error("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Error("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log"):
            page.send(domain + ".enable")
        return page


class Page:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def send(self, method, params=None):
        return self.b.send(method, params, self.session)

    def goto(self, url):
        self.send("Page.navigate", {"url": url})

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise Error("%s: %s" % (expr, r["exceptionDetails"].get("text")))
        return r["result"].get("value")

    def wait(self, expr, seconds=20, what=None):
        """Until expr is true in the page (polled, bounded)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.eval(expr):
                return
            time.sleep(0.05)
        raise Error("waited %ds for %s" % (seconds, what or expr))

    def key(self, key, code=None, vk=None, text=None):
        """A key pressed and released, as a person at the keyboard does."""
        code = code or ("Key" + key.upper() if len(key) == 1 and key.isalpha() else key)
        vk = vk or (ord(key.upper()) if len(key) == 1 else 0)
        text = key if text is None and len(key) == 1 else text
        down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk})

    def drag(self, x0, y0, x1, y1, steps=5):
        """The left button pressed at (x0, y0), moved to (x1, y1) and
        released, as a person selects words with the mouse."""
        base = {"button": "left", "clickCount": 1}
        self.send("Input.dispatchMouseEvent", dict(base, type="mouseMoved", x=x0, y=y0, button="none"))
        self.send("Input.dispatchMouseEvent", dict(base, type="mousePressed", x=x0, y=y0, buttons=1))
        for i in range(1, steps + 1):
            x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
            self.send("Input.dispatchMouseEvent", dict(base, type="mouseMoved", x=x, y=y, buttons=1))
        self.send("Input.dispatchMouseEvent", dict(base, type="mouseReleased", x=x1, y=y1, buttons=0))

    def type(self, text):
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def problems(self):
        """Console errors, uncaught exceptions and refused loads (CSP) so far."""
        out = []
        for m in self.b.events:
            if m.get("sessionId") != self.session:
                continue
            p = m.get("params", {})
            if m.get("method") == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text"))
            elif m.get("method") == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(str(p.get("args")))
            elif m.get("method") == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append("%s (%s)" % (p["entry"].get("text"), p["entry"].get("url")))
        return out
