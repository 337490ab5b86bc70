/*
 * One-way throughput through the shim on the instance's own loopback (both ends preloaded,
 * so every byte crosses the endpoint twice and the stack's TCP once): prints Mbit/s.
 *   stream [MiB]
 */
#include "testutil.h"
#include <time.h>

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 256;
    int ls = tcp_listen("127.0.0.1", 8300);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int c = tcp_connect("127.0.0.1", 8300);
        static char buf[256 * 1024];
        memset(buf, 'z', sizeof buf);
        for (long left = mib << 20; left > 0;) {
            size_t n = left < (long) sizeof buf ? (size_t) left : sizeof buf;
            ssize_t w = write(c, buf, n);
            CHECK(w > 0);
            left -= w;
        }
        close(c);
        return 0;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    static char buf[256 * 1024];
    long total = 0;
    for (;;) {
        ssize_t n = read(s, buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0) break;
        total += n;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    wait_child(pid);
    double secs = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK(total == mib << 20);
    printf("%ld MiB in %.2f s: %.0f Mbit/s\n", mib, secs, (double) total * 8 / secs / 1e6);
    return 0;
}
