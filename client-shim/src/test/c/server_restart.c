/*
 * The server goes away and a new one takes over the endpoint's path while a program runs: the
 * program's old listener (in epoll) stays idle for good, since its token was the old server's
 * (epoll_wait times out, accept4 EAGAIN), and its new sockets attach to the new server: a new
 * listener on the same address, a connection to it and one byte each way.
 */
#include "testutil.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig) {
    (void) sig;
    go = 1;
}

int main(void) {
    signal(SIGUSR1, on_usr1);
    int ls = tcp_listen("127.0.0.1", 8310);
    CHECK(fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK) == 0);
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) == 0);
    printf("ready\n");
    fflush(stdout);
    long events = 0;
    while (!go) {
        int n = epoll_wait(ep, &ev, 1, 100);
        if (n == 1) {
            events++;
            int s = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
            CHECK(s < 0 && errno == EAGAIN);
        }
    }
    int n = epoll_wait(ep, &ev, 1, 200);
    int a = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
    CHECK(a < 0 && errno == EAGAIN);
    printf("old listener: %ld events, then epoll_wait %d, accept4 EAGAIN\n", events, n);
    fflush(stdout);
    CHECK(n == 0 && events <= 2);

    int ls2 = tcp_listen("127.0.0.1", 8310);
    int c = tcp_connect("127.0.0.1", 8310);
    int s = accept(ls2, NULL, NULL);
    CHECK(s >= 0);
    write_all(c, "?", 1);
    char b;
    CHECK(read(s, &b, 1) == 1 && b == '?');
    write_all(s, "!", 1);
    CHECK(read(c, &b, 1) == 1 && b == '!');
    printf("new server: listen, connect, accept, a byte each way\n");
    return 0;
}
