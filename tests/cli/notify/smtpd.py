#!/usr/bin/python3
"""A real SMTP server for the notify tests: Debian's aiosmtpd on a loopback
port. Each message received is written to OUTDIR/NNNN.eml as it came
(CRLF), with the envelope in OUTDIR/NNNN.env ("from" then each "to").

usage: smtpd.py PORT_FILE OUTDIR [PORT]
Writes the port to PORT_FILE once it accepts connections; stops on SIGTERM.
PORT reuses a port (a restarted server), else a free one is picked.
"""
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, outdir):
        self.outdir = outdir
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = len([f for f in os.listdir(self.outdir) if f.endswith(".eml")])
            base = os.path.join(self.outdir, "%04d" % (n + 1))
            with open(base + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            with open(base + ".env", "w") as f:
                f.write("\n".join([envelope.mail_from] + envelope.rcpt_tos) + "\n")
            os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


def main():
    port_file, outdir = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        port = int(sys.argv[3])
    else:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    os.makedirs(outdir, exist_ok=True)
    ctl = Controller(Keep(outdir), hostname="127.0.0.1", port=port)
    ctl.start()
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(port_file + ".tmp", port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    while not done.wait(0.2):
        pass
    ctl.stop()


if __name__ == "__main__":
    main()
