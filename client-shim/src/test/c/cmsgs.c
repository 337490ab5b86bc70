/*
 * Ancillary data and options the stack does not model, as Linux reports them:
 * - UDP with IP_RECVTTL, IP_PKTINFO and SO_TIMESTAMP: recvmsg carries IP_PKTINFO, IP_TTL and
 *   SCM_TIMESTAMP control messages (MSG_CTRUNC when the buffer is too small);
 * - IP_RECVERR: a datagram to a closed port fails the next receive with ECONNREFUSED, then
 *   recvmsg(MSG_ERRQUEUE) returns the datagram with a sock_extended_err (origin ICMP, type 3
 *   code 3, offender 127.0.0.1), and an empty error queue answers EAGAIN at once;
 * - getsockopt reads back SO_OOBINLINE, IP_TOS and IP_TTL set on a TCP socket.
 */
#include "testutil.h"
#include <linux/errqueue.h>
#include <sys/time.h>

int main(void) {
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(r >= 0);
    struct sockaddr_in a = addr_of("127.0.0.1", 7730);
    CHECK(bind(r, (struct sockaddr *) &a, sizeof a) == 0);
    int one = 1;
    CHECK(setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) == 0);
    CHECK(setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0);
    CHECK(setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one) == 0);
    int v = 0;
    socklen_t vl = sizeof v;
    CHECK(getsockopt(r, IPPROTO_IP, IP_RECVTTL, &v, &vl) == 0 && v == 1);

    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(s >= 0);
    struct timeval before;
    gettimeofday(&before, NULL);
    CHECK(sendto(s, "hello", 5, 0, (struct sockaddr *) &a, sizeof a) == 5);
    char buf[16];
    struct iovec iov = { buf, sizeof buf };
    union {
        char b[256];
        struct cmsghdr align;
    } ctl;
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    CHECK(recvmsg(r, &m, 0) == 5 && m.msg_flags == 0);
    int ttl = -1, pktinfo = 0, stamp = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            pktinfo = pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK);
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP) {
            struct timeval tv;
            memcpy(&tv, CMSG_DATA(c), sizeof tv);
            stamp = timercmp(&tv, &before, >=) && tv.tv_sec - before.tv_sec < 10;
        }
    }
    if (ttl != 64 || !pktinfo || !stamp) {
        fprintf(stderr, "control messages: ttl %d pktinfo %d timestamp %d\n", ttl, pktinfo, stamp);
        return 1;
    }
    printf("IP_TTL 64, IP_PKTINFO, SCM_TIMESTAMP\n");
    /* A control buffer too small for all three. */
    CHECK(sendto(s, "again", 5, 0, (struct sockaddr *) &a, sizeof a) == 5);
    m.msg_controllen = CMSG_SPACE(sizeof(struct timeval));
    CHECK(recvmsg(r, &m, 0) == 5 && (m.msg_flags & MSG_CTRUNC));
    printf("small control buffer: MSG_CTRUNC\n");

    /* The error queue. */
    CHECK(setsockopt(s, IPPROTO_IP, IP_RECVERR, &one, sizeof one) == 0);
    struct sockaddr_in closed = addr_of("127.0.0.1", 7731);
    CHECK(connect(s, (struct sockaddr *) &closed, sizeof closed) == 0);
    CHECK(send(s, "nobody", 6, 0) == 6);
    CHECK(recv(s, buf, sizeof buf, 0) == -1 && errno == ECONNREFUSED);
    struct sockaddr_in dst;
    m.msg_name = &dst;
    m.msg_namelen = sizeof dst;
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    ssize_t n = recvmsg(s, &m, MSG_ERRQUEUE);
    CHECK(n == 6 && memcmp(buf, "nobody", 6) == 0 && (m.msg_flags & MSG_ERRQUEUE));
    CHECK(dst.sin_port == htons(7731));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR);
    struct sock_extended_err ee;
    memcpy(&ee, CMSG_DATA(c), sizeof ee);
    struct sockaddr_in off;
    memcpy(&off, CMSG_DATA(c) + sizeof ee, sizeof off);
    CHECK(ee.ee_errno == ECONNREFUSED && ee.ee_origin == SO_EE_ORIGIN_ICMP && ee.ee_type == 3 && ee.ee_code == 3);
    CHECK(off.sin_family == AF_INET && off.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(recvmsg(s, &m, MSG_ERRQUEUE) == -1 && errno == EAGAIN);
    printf("error queue: ECONNREFUSED, ICMP 3/3 from 127.0.0.1, then EAGAIN\n");

    /* Options kept for TCP sockets. */
    int t = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(t >= 0);
    int tos = 0x10, hops = 7;
    CHECK(setsockopt(t, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one) == 0);
    CHECK(setsockopt(t, IPPROTO_IP, IP_TOS, &tos, sizeof tos) == 0);
    CHECK(setsockopt(t, IPPROTO_IP, IP_TTL, &hops, sizeof hops) == 0);
    vl = sizeof v;
    CHECK(getsockopt(t, SOL_SOCKET, SO_OOBINLINE, &v, &vl) == 0 && v == 1);
    CHECK(getsockopt(t, IPPROTO_IP, IP_TOS, &v, &vl) == 0 && v == 0x10);
    CHECK(getsockopt(t, IPPROTO_IP, IP_TTL, &v, &vl) == 0 && v == 7);
    printf("TCP options read back: SO_OOBINLINE, IP_TOS, IP_TTL\n");
    return 0;
}
