/*
 * The server goes away under an event-loop server shaped like nginx: a master holding a
 * non-blocking listener and a worker it forked and exec'd onto it (as after nginx's binary
 * upgrade), each accepting from its own level-triggered epoll set, plus a connection with bytes not yet read and a second, blocking listener. Once
 * the listener's data socket is at EOF neither process may spin: the test measures their CPU
 * time while they loop (epoll_wait with a 100 ms timeout, accept4 on each event), then sends
 * SIGUSR1 to both, and each checks what its calls say now: epoll_wait times out (the listener
 * is not ready), accept4 fails with EAGAIN, socket() with ENETDOWN; the master also has a UDP
 * socket in its epoll set (never ready again, recv EAGAIN, sendto ENETDOWN), reads the
 * connection's bytes, then ECONNRESET once, then EOF, EPIPE on write, and its blocking accept
 * waits until a signal interrupts it (EINTR) or its SO_RCVTIMEO ends (EAGAIN), as Linux's
 * accept on an idle listener.
 */
#include "testutil.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig) {
    (void) sig;
    go = 1;
}

static void on_alarm(int sig) {
    (void) sig;
}

/* The event loop until SIGUSR1; returns how many times epoll_wait reported a socket ready. */
static long serve(int ep, int ls, long *errors) {
    long events = 0;
    while (!go) {
        struct epoll_event ev;
        int n = epoll_wait(ep, &ev, 1, 100);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        CHECK(n >= 0);
        if (n == 1 && ev.data.fd == ls) {
            events++;
            int s = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
            if (s >= 0) {
                close(s);
            } else if (errno != EAGAIN) {
                ++*errors;
            }
        } else if (n == 1) { /* the UDP socket */
            events++;
            char buf[16];
            if (recv(ev.data.fd, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno != EAGAIN) {
                ++*errors;
            }
        }
    }
    return events;
}

static const char *errname(int e) {
    switch (e) {
        case EAGAIN: return "EAGAIN";
        case ENETDOWN: return "ENETDOWN";
        case ECONNRESET: return "ECONNRESET";
        case EPIPE: return "EPIPE";
        case EINTR: return "EINTR";
        case EINVAL: return "EINVAL";
        default: return strerror(e);
    }
}

/* What both processes check after the server went away; returns the epoll set's answer. */
static void check_listener(const char *who, int ep, int ls, long events, long errors) {
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, 200);
    struct pollfd p = { ls, POLLIN, 0 };
    int polled = poll(&p, 1, 0);
    int a = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
    int ae = errno;
    int x = socket(AF_INET, SOCK_STREAM, 0);
    int xe = errno;
    int soerr = -1;
    int sotype = -1;
    socklen_t len = sizeof soerr;
    CHECK(getsockopt(ls, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_TYPE, &sotype, &len) == 0);
    struct sockaddr_in name;
    socklen_t namelen = sizeof name;
    int g = getsockname(ls, (struct sockaddr *) &name, &namelen);
    int ge = errno;
    printf("%s: %ld events, %ld errors; then epoll_wait %d, poll %d, accept4 %s, socket %s;"
           " SO_ERROR %d, SO_TYPE %s, getsockname %s\n", who, events, errors, n, polled,
           a < 0 ? errname(ae) : "an fd", x < 0 ? errname(xe) : "an fd", soerr,
           sotype == SOCK_STREAM ? "SOCK_STREAM" : "?", g < 0 ? errname(ge) : "a name");
    fflush(stdout);
    CHECK(n == 0 && polled == 0 && a < 0 && ae == EAGAIN && x < 0 && xe == ENETDOWN);
    CHECK(soerr == 0 && sotype == SOCK_STREAM && g < 0 && ge == ENETDOWN);
}

/* The worker: exec'd onto the inherited listener (argv: worker LISTENER SYNC), so the shim has
 * never seen this fd listen and must tell its vanished server from its accept's STATUS. */
static int worker_main(int ls, int sync) {
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) == 0);
    CHECK(write(sync, "w", 1) == 1);
    long errors = 0;
    long events = serve(ep, ls, &errors);
    check_listener("worker", ep, ls, events, errors);
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the blocking accept must return EINTR */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    if (argc == 4 && strcmp(argv[1], "worker") == 0) {
        return worker_main(atoi(argv[2]), atoi(argv[3]));
    }

    int ls = tcp_listen("127.0.0.1", 8300);
    int bl = tcp_listen("127.0.0.1", 8301);
    int tl = tcp_listen("127.0.0.1", 8303);
    struct timeval tv = { 0, 300000 };
    CHECK(setsockopt(tl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    int c = tcp_connect("127.0.0.1", 8300);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    CHECK(fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK) == 0);
    write_all(s, "tail", 4);
    char buf[16];
    CHECK(recv(c, buf, 4, MSG_PEEK | MSG_WAITALL) == 4); /* in c's data socket before the server goes */

    int sync[2];
    CHECK(pipe(sync) == 0);
    pid_t worker = fork();
    CHECK(worker >= 0);
    if (worker == 0) {
        char lsarg[16], syncarg[16];
        snprintf(lsarg, sizeof lsarg, "%d", ls);
        snprintf(syncarg, sizeof syncarg, "%d", sync[1]);
        execl("/proc/self/exe", argv[0], "worker", lsarg, syncarg, (char *) NULL);
        CHECK(!"exec");
    }
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) == 0);
    long errors = 0;
    CHECK(read(sync[0], buf, 1) == 1);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(u >= 0);
    struct sockaddr_in ua = addr_of("127.0.0.1", 8302);
    CHECK(bind(u, (struct sockaddr *) &ua, sizeof ua) == 0);
    ev.data.fd = u;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev) == 0);
    printf("ready worker=%d\n", (int) worker);
    fflush(stdout);
    long events = serve(ep, ls, &errors);
    check_listener("master", ep, ls, events, errors);

    /* The UDP socket: never ready, EAGAIN, and sends ENETDOWN. */
    ssize_t ur = recv(u, buf, sizeof buf, MSG_DONTWAIT);
    int ure = errno;
    ssize_t us = sendto(u, "x", 1, 0, (struct sockaddr *) &ua, sizeof ua);
    int use = errno;
    printf("udp: recv %s, sendto %s\n", ur < 0 ? errname(ure) : "data?", us < 0 ? errname(use) : "sent?");
    fflush(stdout);
    CHECK(ur < 0 && ure == EAGAIN && us < 0 && use == ENETDOWN);

    /* The connection: what arrived before, then the reset once, then EOF; writes EPIPE. */
    ssize_t n1 = read(c, buf, sizeof buf);
    CHECK(n1 == 4 && memcmp(buf, "tail", 4) == 0);
    ssize_t n2 = read(c, buf, sizeof buf);
    int e2 = errno;
    ssize_t n3 = read(c, buf, sizeof buf);
    ssize_t w = write(c, "x", 1);
    int we = errno;
    int soerr = -1;
    socklen_t len = sizeof soerr;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0); /* not read yet: no server to ask */
    ssize_t r = recv(s, buf, sizeof buf, 0);
    int re = errno;
    printf("connection: 4 bytes, then %s, then %zd; write %s; the other end SO_ERROR %s, recv %s\n",
           n2 < 0 ? errname(e2) : "data?", n3, w < 0 ? errname(we) : "written?", errname(soerr),
           r < 0 ? errname(re) : "EOF?");
    fflush(stdout);
    CHECK(n2 < 0 && e2 == ECONNRESET && n3 == 0 && w < 0 && we == EPIPE && soerr == ENETDOWN && r < 0 && re == ECONNRESET);

    /* A blocking accept on a listener of the vanished server waits, interruptibly. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    alarm(1);
    int b = accept(bl, NULL, NULL);
    int be = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("blocking accept: %s after %.1f s\n", b < 0 ? errname(be) : "an fd", waited);
    fflush(stdout);
    CHECK(b < 0 && be == EINTR && waited > 0.8);
    /* ... and one with SO_RCVTIMEO times out as Linux's does: EAGAIN. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    b = accept(tl, NULL, NULL);
    be = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    waited = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("accept with SO_RCVTIMEO 0.3 s: %s after %.1f s\n", b < 0 ? errname(be) : "an fd", waited);
    fflush(stdout);
    CHECK(b < 0 && be == EAGAIN && waited > 0.25);
    wait_child(worker);
    printf("both done\n");
    return 0;
}
