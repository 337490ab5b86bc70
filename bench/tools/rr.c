/*
 * rr: TCP request/response rates, like netperf's TCP_RR and TCP_CRR, for bench/rr.
 *
 *   rr server ADDR PORT          echo server (epoll, one thread): every byte read is written back
 *   rr rr  ADDR PORT SECONDS     one connection; send 1 byte, wait for 1 byte back; repeat
 *   rr crr ADDR PORT SECONDS     connect, send 1 byte, wait for 1 byte back, close; repeat
 *
 * The clients print one line, "<transactions per second> <transactions> <seconds>", and exit 0;
 * on an error they print it on stderr with the count so far and exit 1. The clients use only
 * blocking socket(), connect(), setsockopt(), write(), read() and close(), so they run
 * unchanged through the preload shim. TCP_NODELAY is set as netperf does (with one byte in
 * flight Nagle would not delay anything; it matters only if a stack holds back small segments).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
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

/* One transaction on fd: 1 byte out, 1 byte back. 0 on success, -1 with errno (0: EOF). */
static int transact(int fd) {
    char c = 'x';
    ssize_t n;
    do {
        n = write(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        return -1;
    }
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        errno = 0;
    }
    return n == 1 ? 0 : -1;
}

static int report(const char *what, long count, double start, int failed) {
    double secs = now() - start;
    if (failed) {
        fprintf(stderr, "rr: %s failed after %ld transactions: %s\n", what, count,
                errno ? strerror(errno) : "connection closed by the peer");
    }
    printf("%.1f %ld %.3f\n", secs > 0 ? count / secs : 0.0, count, secs);
    return failed ? 1 : 0;
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
        if (transact(fd) != 0) {
            return report("request/response", count, start, 1);
        }
        count++;
    }
    close(fd);
    return report("rr", count, start, 0);
}

static int client_crr(const struct sockaddr_in *to, double seconds) {
    long count = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        int fd = connected(to);
        if (fd < 0) {
            return report("connect", count, start, 1);
        }
        if (transact(fd) != 0) {
            return report("request/response", count, start, 1);
        }
        close(fd);
        count++;
    }
    return report("crr", count, start, 0);
}

static int server(const struct sockaddr_in *at) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (const struct sockaddr *) at, sizeof *at) != 0 || listen(ls, 1024) != 0) {
        perror("rr: listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    struct epoll_event ready[256];
    char buf[4096];
    for (;;) {
        int n = epoll_wait(ep, ready, 256, -1);
        if (n < 0 && errno != EINTR) {
            perror("rr: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t got = read(fd, buf, sizeof buf);
            if (got > 0) {
                /* Replies are one byte per request: the socket buffer never refuses them. */
                if (write(fd, buf, (size_t) got) != got) {
                    close(fd);
                }
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(fd);
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "server") == 0) {
        struct sockaddr_in at = address(argv[2], argv[3]);
        return server(&at);
    }
    if (argc == 5 && (strcmp(argv[1], "rr") == 0 || strcmp(argv[1], "crr") == 0)) {
        struct sockaddr_in to = address(argv[2], argv[3]);
        double seconds = atof(argv[4]);
        return strcmp(argv[1], "rr") == 0 ? client_rr(&to, seconds) : client_crr(&to, seconds);
    }
    fprintf(stderr, "usage: rr server ADDR PORT | rr rr ADDR PORT SECONDS | rr crr ADDR PORT SECONDS\n");
    return 2;
}
