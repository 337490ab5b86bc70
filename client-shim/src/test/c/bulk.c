/*
 * 16 MiB each way at once through two stack sockets, checking every byte: backpressure in
 * both directions (neither side reads until it has written a lot) and nothing lost or reordered.
 */
#include "testutil.h"
#include <poll.h>
#include <fcntl.h>

#define TOTAL (16u << 20)

static unsigned char pattern(uint64_t i, unsigned seed) {
    return (unsigned char) ((i * 2654435761u + seed) >> 13);
}

/* Sends TOTAL bytes of pattern(seed) and receives TOTAL bytes of pattern(expect) at once. */
static void exchange(int s, unsigned seed, unsigned expect) {
    CHECK(fcntl(s, F_SETFL, O_NONBLOCK) == 0);
    uint64_t sent = 0, got = 0;
    unsigned char buf[65536];
    while (sent < TOTAL || got < TOTAL) {
        struct pollfd p = { s, (short) ((got < TOTAL ? POLLIN : 0) | (sent < TOTAL ? POLLOUT : 0)), 0 };
        if (poll(&p, 1, 10000) != 1) { fprintf(stderr, "stalled: sent %llu got %llu\n", (unsigned long long) sent, (unsigned long long) got); sleep(3); exit(1); }
        if ((p.revents & POLLOUT) && sent < TOTAL) {
            size_t n = TOTAL - sent < sizeof buf ? TOTAL - sent : sizeof buf;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i, seed);
            ssize_t w = write(s, buf, n);
            CHECK(w > 0 || errno == EAGAIN);
            if (w > 0) sent += (uint64_t) w;
            if (sent == TOTAL) CHECK(shutdown(s, SHUT_WR) == 0);
        }
        if (p.revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(s, buf, sizeof buf);
            CHECK(r >= 0 || errno == EAGAIN);
            if (r == 0 && got != TOTAL) {
                fprintf(stderr, "side %u: EOF after %llu of %u bytes (sent %llu)\n", seed, (unsigned long long) got,
                        TOTAL, (unsigned long long) sent);
                exit(1);
            }
            for (ssize_t i = 0; i < r; i++) {
                if (buf[i] != pattern(got + (uint64_t) i, expect)) {
                    fprintf(stderr, "byte %llu differs\n", (unsigned long long) (got + (uint64_t) i));
                    exit(1);
                }
            }
            if (r > 0) got += (uint64_t) r;
        }
    }
}

int main(void) {
    int ls = tcp_listen("127.0.0.1", 7800);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int c = tcp_connect("127.0.0.1", 7800);
        exchange(c, 1, 2);
        close(c);
        return 0;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    exchange(s, 2, 1);
    close(s);
    wait_child(pid);
    printf("16 MiB each way, byte-exact\n");
    return 0;
}
