/*
 * UDP through the stack: message boundaries, MSG_PEEK, MSG_TRUNC (recv returns the real
 * length, recvmsg sets the flag), poll readiness, non-blocking EAGAIN, connect/send/recv and
 * read/write on a connected socket, names, and ECONNREFUSED from an ICMP port unreachable.
 */
#include "testutil.h"
#include <fcntl.h>
#include <poll.h>

int main(void) {
    int srv = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(srv >= 0);
    struct sockaddr_in a = addr_of("127.0.0.1", 7900);
    CHECK(bind(srv, (struct sockaddr *) &a, sizeof a) == 0);
    int cli = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(cli >= 0);
    int type = 0;
    socklen_t tl = sizeof type;
    CHECK(getsockopt(cli, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM);

    /* Nothing queued: a non-blocking receive says EAGAIN, poll says not readable. */
    struct pollfd p = { srv, POLLIN, 0 };
    CHECK(poll(&p, 1, 0) == 0);
    char buf[2048];
    CHECK(recv(srv, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);

    CHECK(sendto(cli, "one", 3, 0, (struct sockaddr *) &a, sizeof a) == 3);
    CHECK(sendto(cli, "second", 6, 0, (struct sockaddr *) &a, sizeof a) == 6);
    char big[1000];
    memset(big, 'x', sizeof big);
    CHECK(sendto(cli, big, sizeof big, 0, (struct sockaddr *) &a, sizeof a) == (ssize_t) sizeof big);

    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    CHECK(recv(srv, buf, sizeof buf, MSG_PEEK) == 3 && memcmp(buf, "one", 3) == 0);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl) == 3 && memcmp(buf, "one", 3) == 0);
    CHECK(fl == sizeof from && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    struct sockaddr_in mine;
    socklen_t ml = sizeof mine;
    CHECK(getsockname(cli, (struct sockaddr *) &mine, &ml) == 0 && mine.sin_port == from.sin_port);
    CHECK(recv(srv, buf, 2, MSG_TRUNC) == 6 && memcmp(buf, "se", 2) == 0);
    struct iovec iov = { buf, 10 };
    struct msghdr m = { 0 };
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(recvmsg(srv, &m, 0) == 10 && (m.msg_flags & MSG_TRUNC));
    printf("boundaries, peek, trunc: ok\n");

    /* Connected: send/recv and read/write, replies from the server's address. */
    CHECK(connect(cli, (struct sockaddr *) &a, sizeof a) == 0);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    CHECK(getpeername(cli, (struct sockaddr *) &peer, &pl) == 0 && peer.sin_port == a.sin_port);
    CHECK(write(cli, "w", 1) == 1);
    CHECK(send(cli, "s", 1, 0) == 1);
    fl = sizeof from;
    CHECK(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl) == 1 && buf[0] == 'w');
    CHECK(read(srv, buf, sizeof buf) == 1 && buf[0] == 's');
    CHECK(sendto(srv, "reply", 5, 0, (struct sockaddr *) &from, fl) == 5);
    CHECK(read(cli, buf, sizeof buf) == 5 && memcmp(buf, "reply", 5) == 0);
    printf("connected send/recv/read/write: ok\n");

    /* A connected socket learns of an ICMP port unreachable on its next call. */
    int lone = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in closed = addr_of("127.0.0.1", 7999);
    CHECK(connect(lone, (struct sockaddr *) &closed, sizeof closed) == 0);
    CHECK(send(lone, "?", 1, 0) == 1);
    struct pollfd q = { lone, POLLIN, 0 };
    CHECK(poll(&q, 1, 5000) == 1);
    ssize_t r = recv(lone, buf, sizeof buf, 0);
    CHECK(r == -1 && errno == ECONNREFUSED);
    printf("port unreachable: ECONNREFUSED\n");
    return 0;
}
