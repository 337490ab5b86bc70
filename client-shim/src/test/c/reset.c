/*
 * Resets: close with SO_LINGER {1, 0} sends RST, and the peer's read fails with ECONNRESET;
 * close with unread data does the same (RFC 2525 2.17); writing afterwards fails too.
 */
#include "testutil.h"
#include <poll.h>
#include <signal.h>

static void expect_reset(int s, const char *what) {
    char buf[16];
    ssize_t n;
    for (int i = 0; i < 200; i++) {
        n = read(s, buf, sizeof buf);
        if (n != 0 || errno == ECONNRESET) {
            break;
        }
    }
    if (!(n == -1 && errno == ECONNRESET)) {
        fprintf(stderr, "%s: read returned %zd (%s), wanted ECONNRESET\n", what, n, n < 0 ? strerror(errno) : "EOF");
        exit(1);
    }
    printf("%s: ECONNRESET\n", what);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int ls = tcp_listen("127.0.0.1", 7700);
    /* linger {1, 0} */
    int c = tcp_connect("127.0.0.1", 7700);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    struct linger lg = { 1, 0 };
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    struct linger back;
    socklen_t len = sizeof back;
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &back, &len) == 0 && back.l_onoff == 1 && back.l_linger == 0);
    close(s);
    expect_reset(c, "linger 0");
    /* As on Linux after a reset: the socket hangs up, and writing fails. */
    struct pollfd p = { c, POLLOUT, 0 };
    CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLHUP));
    CHECK(write(c, "x", 1) == -1 && (errno == EPIPE || errno == ECONNRESET));
    printf("after reset: POLLHUP, write fails\n");
    close(c);
    /* unread data */
    c = tcp_connect("127.0.0.1", 7700);
    s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    write_all(c, "never read", 10);
    usleep(100000);
    close(s);
    expect_reset(c, "unread data");
    close(c);
    return 0;
}
