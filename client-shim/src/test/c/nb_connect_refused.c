/*
 * Non-blocking connect, as event loops do it: EINPROGRESS, then epoll for EPOLLOUT, then
 * SO_ERROR. To a closed port the result must be ECONNREFUSED; to a listening port 0, with
 * EPOLLOUT only once the handshake is done, EALREADY/EISCONN on repeated connects. Then the
 * blocking connect, which answers from its poll without asking again when it can: refused on a
 * closed port, 0 on a listening one and EISCONN on the next connect, as on Linux.
 */
#include "testutil.h"
#include <fcntl.h>
#include <sys/epoll.h>

static int nb_connect(int port, int *ep_out) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(s >= 0);
    struct sockaddr_in a = addr_of("127.0.0.1", port);
    int r = connect(s, (struct sockaddr *) &a, sizeof a);
    CHECK(r == -1 && errno == EINPROGRESS);
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLOUT, .data.fd = s };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
    *ep_out = ep;
    return s;
}

int main(void) {
    /* 1. closed port */
    int ep;
    int s = nb_connect(7101, &ep);
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, 5000);
    CHECK(n == 1 && (ev.events & EPOLLOUT));
    int err = -1;
    socklen_t len = sizeof err;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
    printf("closed port: SO_ERROR=%s\n", err == ECONNREFUSED ? "ECONNREFUSED" : strerror(err));
    CHECK(err == ECONNREFUSED);
    close(s);
    close(ep);

    /* 2. listening port */
    int ls = tcp_listen("127.0.0.1", 7102);
    s = nb_connect(7102, &ep);
    struct sockaddr_in a = addr_of("127.0.0.1", 7102);
    n = epoll_wait(ep, &ev, 1, 5000);
    CHECK(n == 1 && (ev.events & EPOLLOUT));
    err = -1;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);
    int r = connect(s, (struct sockaddr *) &a, sizeof a);
    CHECK(r == 0 || (r == -1 && errno == EISCONN));
    r = connect(s, (struct sockaddr *) &a, sizeof a);
    CHECK(r == -1 && errno == EISCONN);
    int c = accept(ls, NULL, NULL);
    CHECK(c >= 0);
    write_all(s, "ping", 4);
    char buf[8];
    CHECK(read(c, buf, sizeof buf) == 4 && memcmp(buf, "ping", 4) == 0);
    printf("listening port: connected, EISCONN after\n");

    /* 3. accept on a non-blocking listener with nothing pending */
    CHECK(fcntl(ls, F_SETFL, O_NONBLOCK) == 0);
    r = accept(ls, NULL, NULL);
    CHECK(r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK));
    printf("empty non-blocking accept: EAGAIN\n");
    /* 4. accept on a socket that is not listening */
    r = accept(s, NULL, NULL);
    CHECK(r == -1 && errno == EINVAL);
    printf("accept on a connected socket: EINVAL\n");
    /* 5. socketpair of inet sockets */
    int sv[2];
    CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP);
    printf("socketpair(AF_INET): EOPNOTSUPP\n");
    /* 6. blocking connects: refused, then connected with EISCONN after, many times over */
    for (int i = 0; i < 50; i++) {
        int b = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(b >= 0);
        struct sockaddr_in closed = addr_of("127.0.0.1", 7101);
        CHECK(connect(b, (struct sockaddr *) &closed, sizeof closed) == -1 && errno == ECONNREFUSED);
        close(b);
        b = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(b >= 0);
        CHECK(connect(b, (struct sockaddr *) &a, sizeof a) == 0);
        r = connect(b, (struct sockaddr *) &a, sizeof a);
        CHECK(r == -1 && errno == EISCONN);
        CHECK(fcntl(ls, F_SETFL, 0) == 0);
        int bc = accept(ls, NULL, NULL);
        CHECK(bc >= 0);
        write_all(b, "x", 1);
        CHECK(read(bc, buf, 1) == 1 && buf[0] == 'x');
        close(bc);
        CHECK(read(b, buf, 1) == 0);
        close(b);
    }
    printf("blocking connect: ECONNREFUSED, then 0 and EISCONN\n");
    return 0;
}
