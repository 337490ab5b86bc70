#!/usr/bin/env python3
"""The Linux peer of bench/scale (bench/tools: not a section of run-all), run inside the peer network namespace.

  scale-peer.py connect HOST PORT STEPS TRICKLE_SECONDS
      Opens TCP connections to HOST:PORT (an echo service) up to each count in STEPS
      (comma-separated, increasing), printing "READY n" after each step and waiting for a line
      on stdin before the next (the driver measures the server meanwhile). Then every
      connection sends 16 bytes once a second and reads the echo, for TRICKLE_SECONDS; prints
      one JSON line with the round trips and bytes echoed. Connections stay open until stdin
      closes.

  scale-peer.py download SECONDS SIZE PARALLEL URL...
      PARALLEL threads fetch http://host/bytes/SIZE from the URLs in turn (one connection per
      download, HTTP/1.0) for SECONDS; prints one JSON line with downloads and bytes.
"""
import json
import resource
import selectors
import socket
import sys
import threading
import time


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def connect(host, port, steps, trickle):
    limit = raise_nofile()
    if steps[-1] + 100 > limit:
        sys.exit("scale-peer: RLIMIT_NOFILE hard limit %d is below %d connections" % (limit, steps[-1]))
    socks = []
    sel = selectors.DefaultSelector()
    for target in steps:
        while len(socks) < target:
            # 200 handshakes at a time: well inside the server's SYN backlog.
            batch = []
            for _ in range(min(200, target - len(socks))):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex((host, port))
                batch.append(s)
            pending = set(batch)
            deadline = time.time() + 30
            for s in batch:
                sel.register(s, selectors.EVENT_WRITE)
            while pending and time.time() < deadline:
                for key, _ in sel.select(1.0):
                    s = key.fileobj
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        sys.exit("scale-peer: connect failed after %d connections: errno %d" % (len(socks), err))
                    sel.unregister(s)
                    pending.discard(s)
            if pending:
                sys.exit("scale-peer: %d connects did not complete in 30 s (after %d)" % (len(pending), len(socks)))
            socks.extend(batch)
        print("READY %d" % len(socks), flush=True)
        if not sys.stdin.readline():
            return
    # Trickle: 16 bytes per connection per second, spread over the second; read the echoes.
    msg = b"0123456789abcdef"
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    start = time.time()
    end = start + trickle
    sent = echoed = 0
    i = 0
    n = len(socks)
    while time.time() < end:
        due = int((time.time() - start) * n)  # sends due so far at one per connection per second
        while sent < due:
            try:
                socks[i].send(msg)
            except BlockingIOError:
                pass
            sent += 1
            i = (i + 1) % n
        for key, _ in sel.select(0.01):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            if not data:
                sys.exit("scale-peer: the server closed a connection during the trickle")
            echoed += len(data)
    # Collect the echoes still in flight.
    settle = time.time() + 3
    while echoed < sent * len(msg) and time.time() < settle:
        for key, _ in sel.select(0.1):
            echoed += len(key.fileobj.recv(65536))
    elapsed = time.time() - start
    print(json.dumps({"connections": n, "seconds": round(elapsed, 2), "sent_bytes": sent * len(msg),
                      "echoed_bytes": echoed, "round_trips_per_s": round(echoed / len(msg) / elapsed, 1)}), flush=True)
    sys.stdin.readline()
    for s in socks:
        s.close()


def download(seconds, size, parallel, urls):
    raise_nofile()
    lock = threading.Lock()
    totals = {"downloads": 0, "bytes": 0, "errors": 0}
    end = time.time() + seconds

    def worker(k):
        j = k
        while time.time() < end:
            host = urls[j % len(urls)]
            j += parallel
            got = 0
            try:
                with socket.create_connection((host, 80), timeout=10) as s:
                    s.sendall(b"GET /bytes/%d HTTP/1.0\r\nHost: %s\r\n\r\n" % (size, host.encode()))
                    buf = bytearray(65536)
                    while True:
                        n = s.recv_into(buf)
                        if n == 0:
                            break
                        got += n
            except OSError:
                with lock:
                    totals["errors"] += 1
                continue
            with lock:
                totals["downloads"] += 1
                totals["bytes"] += got

    start = time.time()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    totals.update(seconds=round(elapsed, 2), instances=len(urls), parallel=parallel, size=size,
                  mbit_per_s=round(totals["bytes"] * 8 / elapsed / 1e6, 1))
    print(json.dumps(totals), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "connect":
        connect(sys.argv[2], int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")], float(sys.argv[5]))
    elif sys.argv[1] == "download":
        download(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(__doc__)
