/*
 * TCP request/response rate: 1-byte ping-pong between two processes for a fixed time, with
 * TCP_NODELAY, as round trips per second. Run with and without the preload for the ratio.
 *   pingpong PORT SECONDS
 */
#include "testutil.h"
#include <netinet/tcp.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8500;
    double seconds = argc > 2 ? atof(argv[2]) : 2;
    int ls = tcp_listen("127.0.0.1", port);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int s = accept(ls, NULL, NULL);
        CHECK(s >= 0);
        int one = 1;
        CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
        char b;
        while (read(s, &b, 1) == 1) {
            CHECK(write(s, &b, 1) == 1);
        }
        return 0;
    }
    int c = tcp_connect("127.0.0.1", port);
    int one = 1;
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    long trips = 0;
    double start = now(), end = start + seconds;
    char b = 'p';
    while (now() < end) {
        for (int i = 0; i < 100; i++) {
            CHECK(write(c, &b, 1) == 1);
            CHECK(read(c, &b, 1) == 1);
        }
        trips += 100;
    }
    double rate = (double) trips / (now() - start);
    close(c);
    wait_child(pid);
    printf("%.0f round trips/s\n", rate);
    return 0;
}
