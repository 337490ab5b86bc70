/* Helpers for the shim's C test programs: every failure names the call and exits non-zero. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(expr) do { if (!(expr)) { fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, strerror(errno)); exit(1); } } while (0)

static inline struct sockaddr_in addr_of(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static inline int tcp_listen(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    int one = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_in a = addr_of(ip, port);
    CHECK(bind(s, (struct sockaddr *) &a, sizeof a) == 0);
    CHECK(listen(s, 16) == 0);
    return s;
}

static inline int tcp_connect(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    struct sockaddr_in a = addr_of(ip, port);
    CHECK(connect(s, (struct sockaddr *) &a, sizeof a) == 0);
    return s;
}

static inline void write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        CHECK(n > 0);
        p += n;
        len -= (size_t) n;
    }
}

/* Reads until EOF; returns the byte count. */
static inline size_t read_to_eof(int fd, char *buf, size_t cap) {
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - got);
        CHECK(n >= 0);
        if (n == 0) {
            return got;
        }
        got += (size_t) n;
        CHECK(got < cap);
    }
}

static inline void wait_child(pid_t pid) {
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "child %d failed (status %d)\n", pid, st);
        exit(1);
    }
}
