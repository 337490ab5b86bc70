/*
 * The server goes away under a program: a child blocked in read and the parent blocked in
 * accept must both return (never hang), and later socket calls fail with ENETDOWN.
 */
#include "testutil.h"

int main(void) {
    int ls = tcp_listen("127.0.0.1", 8200);
    int c = tcp_connect("127.0.0.1", 8200);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char buf[16];
        ssize_t n = read(c, buf, sizeof buf);
        printf("read returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "EOF");
        return n <= 0 ? 0 : 1;
    }
    printf("ready\n");
    fflush(stdout);
    int r = accept(ls, NULL, NULL);
    printf("accept returned %d (%s)\n", r, r < 0 ? strerror(errno) : "?");
    wait_child(pid);
    int x = socket(AF_INET, SOCK_STREAM, 0);
    printf("socket after: %d (%s)\n", x, x < 0 ? strerror(errno) : "?");
    return r < 0 && x < 0 && errno == ENETDOWN ? 0 : 1;
}
