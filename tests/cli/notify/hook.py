#!/usr/bin/python3
"""A webhook receiver for the notify tests (http.server on loopback).

usage: hook.py PORT_FILE LOG SECRET [FAIL [SLEEP]]
Each POST is appended to LOG as one JSON line: {"delivery", "signature",
"valid" (the X-Techwin-Signature is the HMAC-SHA256 of the raw body with
SECRET; null without SECRET), "body" (parsed), "status" (what it answered)}.
The first FAIL requests are answered 500. With SLEEP, the first request
sleeps SLEEP seconds before it is answered (logged before the sleep,
status "sleep"). Stops on SIGTERM. HOOK_PORT=N listens on N again.
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log, secret = sys.argv[1], sys.argv[2], sys.argv[3]
fail = int(sys.argv[4]) if len(sys.argv) > 4 else 0
sleep = float(sys.argv[5]) if len(sys.argv) > 5 else 0
lock = threading.Lock()
seen = [0]


class Hook(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Techwin-Signature")
        valid = None
        if secret:
            want = "sha256=" + hmac.new(secret.encode(), raw,
                                        hashlib.sha256).hexdigest()
            valid = sig is not None and hmac.compare_digest(sig, want)
        with lock:
            seen[0] += 1
            n = seen[0]
        status = 500 if n <= fail else 200
        if sleep and n == 1:
            status = "sleep"
        entry = {"delivery": self.headers.get("X-Techwin-Delivery"),
                 "signature": sig, "valid": valid,
                 "content_type": self.headers.get("Content-Type"),
                 "body": json.loads(raw), "status": status}
        with lock, open(log, "a") as f:
            f.write(json.dumps(entry) + "\n")
        if status == "sleep":
            time.sleep(sleep)
            status = 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


# HOOK_PORT: listen there again (a restarted receiver), else a free port.
ThreadingHTTPServer.allow_reuse_address = True
srv = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("HOOK_PORT", "0"))),
                          Hook)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os
os.rename(port_file + ".tmp", port_file)
import signal
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(
    target=srv.shutdown).start())
srv.serve_forever()
