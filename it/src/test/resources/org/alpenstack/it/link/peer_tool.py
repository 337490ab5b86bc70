#!/usr/bin/env python3
"""Linux-side helpers the link tests run inside the peer namespace (the kernel's own stack).

  ping ADDR COUNT           ICMP echo from a raw socket; prints "received N"
  ping-on-cue ADDR          prints "ready", waits for a line on stdin, then sends one ICMP echo
                            and waits up to 1 s: prints "reply MS" (send to reply) or "silence";
                            started ahead, it times an address from a cue without the cost of
                            starting a process
  udp-echo ADDR PORT N MAX WINDOW
                            N datagrams of sizes 1..MAX (first 1, last MAX, the rest spread
                            across the range, fragmented ones included) with at most WINDOW in
                            flight; each echo must come back byte-exact; a datagram not echoed
                            within 1 s is sent again. Prints "ok N retransmits R seconds S".
  tcp-probe ADDR PORT       one TCP connect attempt (1 s); prints the outcome
  udp-probe ADDR PORT       one datagram, waits 0.5 s for an ICMP error; prints the outcome
"""
import os, socket, struct, sys, time, select, errno


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ping(addr, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xffff
    got = 0
    for seq in range(count):
        payload = b"alpenstack-ping-%05d" % seq
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, (addr, 0))
        deadline = time.time() + 2
        while time.time() < deadline:
            r, _, _ = select.select([s], [], [], max(0, deadline - time.time()))
            if not r:
                break
            data, src = s.recvfrom(2048)
            ihl = (data[0] & 0x0f) * 4
            t, c, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if src[0] == addr and t == 0 and i == ident and q == seq and data[ihl + 8:] == payload:
                got += 1
                break
        time.sleep(0.05)
    print("received %d" % got)


def ping_on_cue(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xffff
    payload = b"alpenstack-cue"
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
    pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, 1) + payload
    print("ready", flush=True)
    sys.stdin.readline()
    sent = time.monotonic()
    s.sendto(pkt, (addr, 0))
    deadline = sent + 1
    while time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], max(0, deadline - time.monotonic()))
        if not r:
            break
        data, src = s.recvfrom(2048)
        ihl = (data[0] & 0x0f) * 4
        t, c, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if src[0] == addr and t == 0 and i == ident and q == 1:
            print("reply %.3f" % ((time.monotonic() - sent) * 1000), flush=True)
            return
    print("silence", flush=True)


def sizes(n, maximum):
    out = []
    for i in range(n):
        if i == 0:
            out.append(1)
        elif i == n - 1:
            out.append(maximum)
        else:
            out.append(1 + (i * 7919) % maximum)
    return out


def payload(seq, size):
    head = struct.pack("!I", seq)
    body = bytes((seq + k) & 0xff for k in range(min(size, 64)))
    b = (head + body * (size // max(1, len(body)) + 1))[:size]
    return b if size >= 4 else head[:size]


def udp_echo(addr, port, n, maximum, window):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.connect((addr, port))
    sz = sizes(n, maximum)
    # Datagrams shorter than 4 bytes cannot carry a sequence number: they go one at a time.
    pending = {}
    small = [i for i in range(n) if sz[i] < 4]
    big = [i for i in range(n) if sz[i] >= 4]
    retransmits = 0
    t0 = time.time()
    for i in small:
        want = payload(i, sz[i])
        tries = 0
        while True:
            s.send(want)
            r, _, _ = select.select([s], [], [], 1.0)
            if r:
                got = s.recv(65535)
                if got == want:
                    break
                print("FAIL small datagram %d: got %r want %r" % (i, got, want))
                sys.exit(1)
            tries += 1
            retransmits += 1
            if tries > 5:
                print("FAIL datagram %d (size %d) never echoed" % (i, sz[i]))
                sys.exit(1)
    nxt = 0
    done = 0
    while done < len(big):
        while nxt < len(big) and len(pending) < window:
            i = big[nxt]
            s.send(payload(i, sz[i]))
            pending[i] = [time.time(), 0]
            nxt += 1
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            while True:
                try:
                    got = s.recv(65535, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                seq = struct.unpack("!I", got[:4])[0]
                if seq in pending:
                    if got != payload(seq, sz[seq]):
                        print("FAIL datagram %d (size %d) came back different (%d bytes)" % (seq, sz[seq], len(got)))
                        sys.exit(1)
                    del pending[seq]
                    done += 1
        now = time.time()
        for seq, st in list(pending.items()):
            if now - st[0] > 1.0:
                if st[1] >= 5:
                    print("FAIL datagram %d (size %d) never echoed" % (seq, sz[seq]))
                    sys.exit(1)
                s.send(payload(seq, sz[seq]))
                st[0] = now
                st[1] += 1
                retransmits += 1
    print("ok %d retransmits %d seconds %.2f" % (n, retransmits, time.time() - t0))


def tcp_probe(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect((addr, port))
        print("connected")
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))
    finally:
        s.close()


def udp_probe(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((addr, port))
    s.send(b"probe")
    r, _, _ = select.select([s], [], [], 0.5)
    try:
        if r:
            s.recv(100)
            print("reply")
        else:
            print("silence")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "ping":
        ping(sys.argv[2], int(sys.argv[3]))
    elif cmd == "ping-on-cue":
        ping_on_cue(sys.argv[2])
    elif cmd == "udp-echo":
        udp_echo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif cmd == "tcp-probe":
        tcp_probe(sys.argv[2], int(sys.argv[3]))
    elif cmd == "udp-probe":
        udp_probe(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("unknown command " + cmd)
