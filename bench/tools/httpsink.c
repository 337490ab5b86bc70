/*
 * httpsink: the Linux kernel's side of bench/bulk's HTTP figures, so that curl against the
 * instance's HTTP service has a baseline with the same client: the same two requests, answered
 * by a program that costs as little as possible, on the kernel's TCP.
 *
 *   httpsink ADDR PORT
 *
 * One connection at a time, one request per connection (the server closes after answering):
 *   PUT or POST with Content-Length N   reads the N bytes of the body and drops them, 200
 *                                       (after "100 Continue" if the client expects one)
 *   GET /bytes/N                        N zero bytes, 200
 * anything else                         400 (chunked bodies too: bench/bulk sends a length)
 * Reads and writes use 256 KiB buffers, as iperf3's 128 KiB blocks keep the copying, not the
 * program, the limit. Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (256 * 1024)
#define MAX_HEAD 16384

static char buf[BUF];

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static void respond(int fd, const char *status, long long length) {
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %lld\r\nConnection: close\r\n\r\n", status, length);
    write_all(fd, head, (size_t) n);
}

/* Value of header NAME in the head (NUL-terminated), or NULL. */
static const char *header(const char *head, const char *name) {
    size_t len = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, len) == 0 && p[2 + len] == ':') {
            const char *v = p + 3 + len;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            return v;
        }
    }
    return NULL;
}

static void serve(int fd) {
    char head[MAX_HEAD + 1];
    size_t have = 0;
    char *end = NULL;
    while (end == NULL) {
        if (have == MAX_HEAD) {
            respond(fd, "431 Request Header Fields Too Large", 0);
            return;
        }
        ssize_t r = read(fd, head + have, MAX_HEAD - have);
        if (r <= 0) {
            return;
        }
        have += (size_t) r;
        head[have] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    size_t head_len = (size_t) (end - head) + 4;
    long long extra = (long long) (have - head_len); /* body bytes read with the head */
    if (strncmp(head, "PUT ", 4) == 0 || strncmp(head, "POST ", 5) == 0) {
        const char *cl = header(head, "Content-Length");
        if (cl == NULL) {
            respond(fd, "400 Bad Request", 0);
            return;
        }
        const char *expect = header(head, "Expect");
        if (expect != NULL && strncasecmp(expect, "100-continue", 12) == 0) {
            /* curl asks for it before a large body and otherwise waits a second for it. */
            write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        }
        long long left = atoll(cl) - extra;
        while (left > 0) {
            ssize_t r = read(fd, buf, left < BUF ? (size_t) left : BUF);
            if (r <= 0) {
                return;
            }
            left -= r;
        }
        respond(fd, "200 OK", 0);
    } else if (strncmp(head, "GET /bytes/", 11) == 0) {
        long long n = atoll(head + 11);
        respond(fd, "200 OK", n);
        while (n > 0) {
            size_t chunk = n < BUF ? (size_t) n : BUF;
            if (write_all(fd, buf, chunk) < 0) {
                return;
            }
            n -= (long long) chunk;
        }
    } else {
        respond(fd, "400 Bad Request", 0);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: httpsink ADDR PORT\n");
        return 2;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
        fprintf(stderr, "httpsink: bad IPv4 address %s\n", argv[1]);
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l < 0 || bind(l, (struct sockaddr *) &a, sizeof a) < 0 || listen(l, 16) < 0) {
        perror("httpsink: listen");
        return 1;
    }
    for (;;) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("httpsink: accept");
            return 1;
        }
        serve(fd);
        shutdown(fd, SHUT_WR);
        /* Wait for the client's FIN so the last bytes are not lost to a reset. */
        while (read(fd, buf, BUF) > 0) {
        }
        close(fd);
    }
}
