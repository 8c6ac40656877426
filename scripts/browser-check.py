#!/usr/bin/env python3
"""Loads a local HTML page in headless Chromium over the DevTools protocol (--remote-debugging-pipe)
and reports, as JSON on stdout, what a test needs to know about it:

  requests      every URL the page asked for (the page itself included)
  console       console messages, uncaught exceptions and browser log entries of level warning/error
  widths        per viewport width: the page's scrollWidth (wider than the viewport = horizontal scroll)
  dom           the document's HTML after load
  screenshots   the PNG files written (full page)

Used by Tests/ExportEndToEndTests/ReportBrowserTests.swift; the browser comes from
scripts/ensure-chromium.sh. Nothing leaves the machine: host names resolve to nothing and every
request of the browser itself goes to a closed loopback port.

  scripts/browser-check.py runs/x/report.html --shot 1280:docs/report-desktop.png --shot 390:docs/report-phone.png
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile, time

FLAGS = [
    "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--remote-debugging-pipe",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-extensions", "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    "--disable-breakpad", "--metrics-recording-only", "--hide-scrollbars",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,SpellCheck",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
]


class Browser:
    def __init__(self, binary, profile):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def place():
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)  # out of the way of 3 and 4
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=place, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            answer = self.read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method, session, timeout=30):
        deadline = time.time() + timeout
        for index, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(index)
        while True:
            event = self.read_message(deadline)
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page")
    parser.add_argument("--shot", action="append", default=[], help="WIDTH:PNG_PATH (repeatable)")
    parser.add_argument("--width", action="append", type=int, default=[], help="a viewport width to measure")
    parser.add_argument("--browser", default="chromium")
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    url = "file://" + os.path.abspath(args.page)
    profile = args.profile or tempfile.mkdtemp(prefix="browser-check-")
    shots = [(int(spec.split(":", 1)[0]), spec.split(":", 1)[1]) for spec in args.shot]
    widths = [(width, None) for width in args.width] + shots or [(1280, None)]

    browser = Browser(args.browser, profile)
    result = {"requests": [], "console": [], "widths": {}, "dom": "", "screenshots": []}
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Page", "Network", "Runtime", "Log"]:
            browser.call(f"{domain}.enable", session=session)
        for width, path in widths:
            browser.call("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 2 if width < 600 else 1,
                          "mobile": width < 600}, session=session)
            browser.call("Page.navigate", {"url": url}, session=session)
            browser.wait_for("Page.loadEventFired", session)
            measured = browser.call("Runtime.evaluate", {
                "expression": "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
                "returnByValue": True}, session=session)["result"]["value"]
            result["widths"][str(width)] = {"scrollWidth": measured[0], "clientWidth": measured[1]}
            if path:
                metrics = browser.call("Page.getLayoutMetrics", session=session)
                height = metrics["cssContentSize"]["height"]
                shot = browser.call("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session=session)
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                with open(path, "wb") as out:
                    out.write(base64.b64decode(shot["data"]))
                result["screenshots"].append(path)
        result["dom"] = browser.call("Runtime.evaluate", {
            "expression": "document.documentElement.outerHTML", "returnByValue": True}, session=session)["result"]["value"]
        # Let late events (a lazy image, a deferred request) arrive before reading them.
        browser.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 300))", "awaitPromise": True},
                     session=session)
        for event in browser.events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                result["requests"].append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
                result["console"].append(f"console.{params.get('type')}: {text}")
            elif method == "Runtime.exceptionThrown":
                result["console"].append("exception: " + params["exceptionDetails"].get("text", ""))
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("warning", "error"):
                result["console"].append(f"log.{params['entry']['level']}: {params['entry']['text']}")
    finally:
        browser.close()
        if not args.profile:
            shutil.rmtree(profile, ignore_errors=True)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
