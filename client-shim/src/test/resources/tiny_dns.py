# A tiny authoritative DNS server for tests (RFC 1035): answers A queries for names that end
# in the given suffix with the given address, NXDOMAIN for everything else.
#   python3 tiny_dns.py BIND_IP PORT SUFFIX ADDRESS
import socket
import struct
import sys

bind_ip, port, suffix, address = sys.argv[1], int(sys.argv[2]), sys.argv[3].lower(), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind_ip, port))
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 12:
        continue
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    o, labels = 12, []
    while o < len(q) and q[o] != 0:
        labels.append(q[o + 1:o + 1 + q[o]].decode("ascii", "replace"))
        o += 1 + q[o]
    question = q[12:o + 5]
    qtype = struct.unpack("!H", q[o + 1:o + 3])[0] if o + 3 <= len(q) else 0
    name = ".".join(labels).lower()
    if name.endswith(suffix) and qtype == 1:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
        s.sendto(struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + answer, peer)
    else:
        s.sendto(struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question, peer)
