/*
 * TCP request/response rates, for bench/shim (compiled there with cc -O2).
 *
 *   rr server ADDR PORT
 *       serves one connection at a time: reads a byte, writes it back, until EOF; with a
 *       connection that says 'c' (CRR mode) it answers once and closes first, so the TIME-WAIT
 *       state stays on the server and the client's ports are never exhausted
 *   rr client ADDR PORT SECONDS [pp|crr]
 *       pp (default): one connection, TCP_NODELAY, 1-byte write then 1-byte read, as often as
 *       possible for SECONDS; crr: connect, 1-byte request, 1-byte answer, close, repeated.
 *       Prints "<transactions> <seconds> <transactions per second>".
 *
 * Calls block plainly (no poll before a read: it would add a system call per transaction to
 * both sides of the comparison). A client that hangs is ended by an alarm at SECONDS + 10; the
 * server drops a connection silent for 10 s (SO_RCVTIMEO; the server always runs on Linux).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "rr: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "rr: bad address %s\n", ip);
        exit(2);
    }
    return a;
}

/* One byte in; returns 0 at EOF. */
static int get1(int fd, char *b) {
    ssize_t n = read(fd, b, 1);
    if (n < 0) {
        die("read");
    }
    return (int) n;
}

static void put1(int fd, char b) {
    if (write(fd, &b, 1) != 1) {
        die("write");
    }
}

static void nodelay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        die("setsockopt(TCP_NODELAY)");
    }
}

static _Noreturn void serve(const char *ip, int port) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = address(ip, port);
    if (bind(ls, (struct sockaddr *) &a, sizeof a) != 0) {
        die("bind");
    }
    if (listen(ls, 128) != 0) {
        die("listen");
    }
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            die("accept");
        }
        nodelay(c);
        struct timeval tv = {.tv_sec = 10};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); /* a silent client: serve the next */
        char b;
        for (;;) {
            ssize_t n = read(c, &b, 1);
            if (n <= 0) {
                break;
            }
            if (write(c, &b, 1) != 1) {
                break;
            }
            if (b == 'c') {
                break; /* CRR: answered once, close first */
            }
        }
        close(c);
    }
}

static int dial(struct sockaddr_in *a) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0) {
        die("socket");
    }
    if (connect(c, (struct sockaddr *) a, sizeof *a) != 0) {
        die("connect");
    }
    nodelay(c);
    return c;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "server") == 0) {
        serve(argv[2], atoi(argv[3]));
    }
    if (argc < 5 || strcmp(argv[1], "client") != 0) {
        fprintf(stderr, "usage: rr server ADDR PORT | rr client ADDR PORT SECONDS [pp|crr]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in a = address(argv[2], atoi(argv[3]));
    double seconds = atof(argv[4]);
    alarm((unsigned) seconds + 10);
    int crr = argc > 5 && strcmp(argv[5], "crr") == 0;
    long done = 0;
    double start = now(), end = start + seconds;
    char b;
    if (crr) {
        while (now() < end) {
            int c = dial(&a);
            put1(c, 'c');
            if (get1(c, &b) != 1 || b != 'c') {
                fprintf(stderr, "rr: bad answer\n");
                return 1;
            }
            get1(c, &b); /* the server's FIN (or a stray byte: closed anyway) */
            close(c);
            done++;
        }
    } else {
        int c = dial(&a);
        while (now() < end) {
            for (int i = 0; i < 64; i++) {
                put1(c, 'p');
                if (get1(c, &b) != 1) {
                    fprintf(stderr, "rr: connection closed\n");
                    return 1;
                }
            }
            done += 64;
        }
        close(c);
    }
    double t = now() - start;
    printf("%ld %.3f %.0f\n", done, t, (double) done / t);
    return 0;
}
