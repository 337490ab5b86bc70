/*
 * rr: TCP request/response rates, like netperf's TCP_RR and TCP_CRR, for bench/rr.
 *
 *   rr server ADDR PORT
 *       echo server (epoll, one thread, any number of connections): every byte read is written
 *       back. A read that contains 'c' is answered and then the server closes first (the
 *       client's "server-closes" mode below). A connection silent for IDLE_SECONDS is dropped:
 *       a client that vanished without a FIN or RST (killed by its alarm while the instance
 *       under it was stuck) does not keep its socket for the rest of the section.
 *   rr rr  ADDR PORT SECONDS
 *       one connection; send 1 byte, wait for it to come back; repeat
 *   rr crr ADDR PORT SECONDS [server-closes]
 *       connect, send 1 byte, wait for it to come back, close; repeat. By default the client
 *       closes first, which any echo server allows (the instance's echo service closes only
 *       after the client's FIN), and TIME-WAIT stays with the client. With "server-closes" the
 *       byte is 'c', the client waits for the server's FIN before it closes, and TIME-WAIT stays
 *       on the server (needs "rr server"): a client on an Alpenstack instance then never finds
 *       its own ports in TIME-WAIT, and the Linux server accepts a SYN for a 4-tuple still in
 *       TIME-WAIT when its timestamp is newer (tcp_timewait_state_process; RFC 6191).
 *
 * The clients print one line, "<transactions per second> <transactions> <seconds>", and exit 0;
 * on an error they print it on stderr with the count so far and exit 1. An alarm ends a client
 * that hangs, 10 s after its SECONDS, with a message and exit 1. The clients use only blocking
 * socket(), connect(), setsockopt(), write(), read() and close(), with no poll before a read (it
 * would add a system call per transaction to both sides of a comparison), so they run unchanged
 * through the preload shim. TCP_NODELAY is set as netperf does (with one byte in flight Nagle
 * would not delay anything; it matters only if a stack holds back small segments).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IDLE_SECONDS 10
#define MAX_FDS 65536

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, const char *port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) atoi(port));
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "rr: bad IPv4 address %s\n", ip);
        exit(2);
    }
    return a;
}

static int connected(const struct sockaddr_in *to) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (const struct sockaddr *) to, sizeof *to) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* One byte in; 1, 0 at EOF, -1 with errno. */
static ssize_t read1(int fd, char *c) {
    ssize_t n;
    do {
        n = read(fd, c, 1);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* One transaction on fd: the byte out, the same byte back. 0 on success, -1 with errno
 * (0: EOF; EPROTO: another byte came back). */
static int transact(int fd, char c) {
    ssize_t n;
    do {
        n = write(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        return -1;
    }
    char back;
    n = read1(fd, &back);
    if (n == 0) {
        errno = 0;
    } else if (n == 1 && back != c) {
        errno = EPROTO;
        return -1;
    }
    return n == 1 ? 0 : -1;
}

static int report(const char *what, long count, double start, int failed) {
    double secs = now() - start;
    if (failed) {
        fprintf(stderr, "rr: %s failed after %ld transactions: %s\n", what, count,
                errno ? strerror(errno) : "connection closed by the peer");
    }
    printf("%.1f %ld %.3f\n", secs > 0 ? (double) count / secs : 0.0, count, secs);
    return failed ? 1 : 0;
}

static void hung(int sig) {
    (void) sig;
    static const char msg[] = "rr: the client hung (no progress 10 s after its test's end): ended by its alarm\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void) ignored;
    _exit(1);
}

static int client_rr(const struct sockaddr_in *to, double seconds) {
    int fd = connected(to);
    if (fd < 0) {
        perror("rr: connect");
        return 1;
    }
    long count = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        if (transact(fd, 'p') != 0) {
            return report("request/response", count, start, 1);
        }
        count++;
    }
    close(fd);
    return report("rr", count, start, 0);
}

static int client_crr(const struct sockaddr_in *to, double seconds, int server_closes) {
    long count = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        int fd = connected(to);
        if (fd < 0) {
            return report("connect", count, start, 1);
        }
        if (transact(fd, server_closes ? 'c' : 'x') != 0) {
            return report("request/response", count, start, 1);
        }
        if (server_closes) {
            char c;
            ssize_t n = read1(fd, &c);
            if (n != 0) {
                if (n > 0) {
                    errno = EPROTO; /* a byte instead of the server's FIN */
                }
                return report("waiting for the server's FIN", count, start, 1);
            }
        }
        close(fd);
        count++;
    }
    return report("crr", count, start, 0);
}

static double seen[MAX_FDS]; /* last activity per connection fd, 0 when not ours */

static void drop(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    seen[fd] = 0;
}

static int server(const struct sockaddr_in *at) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
            || bind(ls, (const struct sockaddr *) at, sizeof *at) != 0 || listen(ls, 1024) != 0) {
        perror("rr: listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    struct epoll_event ready[256];
    char buf[4096];
    double swept = now();
    for (;;) {
        int n = epoll_wait(ep, ready, 256, 1000);
        if (n < 0 && errno != EINTR) {
            perror("rr: epoll_wait");
            return 1;
        }
        double t = now();
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (c >= MAX_FDS) {
                        close(c);
                        continue;
                    }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                    seen[c] = t;
                }
                continue;
            }
            ssize_t got = read(fd, buf, sizeof buf);
            if (got > 0) {
                seen[fd] = t;
                /* Replies are one byte per request: the socket buffer never refuses them. */
                if (write(fd, buf, (size_t) got) != got || memchr(buf, 'c', (size_t) got) != NULL) {
                    drop(ep, fd);
                }
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                drop(ep, fd);
            }
        }
        if (t - swept >= 1) {
            swept = t;
            for (int fd = 0; fd < MAX_FDS; fd++) {
                if (seen[fd] != 0 && t - seen[fd] > IDLE_SECONDS) {
                    drop(ep, fd);
                }
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "server") == 0) {
        struct sockaddr_in at = address(argv[2], argv[3]);
        return server(&at);
    }
    int rr = argc == 5 && strcmp(argv[1], "rr") == 0;
    int crr = (argc == 5 || (argc == 6 && strcmp(argv[5], "server-closes") == 0)) && strcmp(argv[1], "crr") == 0;
    if (rr || crr) {
        struct sockaddr_in to = address(argv[2], argv[3]);
        double seconds = atof(argv[4]);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGALRM, hung);
        alarm((unsigned) seconds + 10);
        return rr ? client_rr(&to, seconds) : client_crr(&to, seconds, argc == 6);
    }
    fprintf(stderr, "usage: rr server ADDR PORT | rr rr ADDR PORT SECONDS | rr crr ADDR PORT SECONDS [server-closes]\n");
    return 2;
}
