/*
 * Programs that trample fds: dup2 onto every high fd number (where the shim keeps its control
 * socket), then close everything above stderr with close_range and closefrom. The process
 * must keep working: a new socket after that still connects and carries data.
 */
#include "testutil.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(void) {
    int ls = tcp_listen("127.0.0.1", 7600);
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    int top = rl.rlim_cur > 1024 ? 1024 : (int) rl.rlim_cur;
    int devnull = open("/dev/null", 0);
    CHECK(devnull >= 0);
    for (int fd = top - 64; fd < top; fd++) {
        if (fd != ls && fd != devnull) {
            CHECK(dup2(devnull, fd) == fd);
        }
    }
    for (int fd = top - 64; fd < top; fd++) {
        if (fd != ls && fd != devnull) {
            close(fd);
        }
    }
    close(ls);
    CHECK(close_range(3, ~0U, 0) == 0);
    ls = tcp_listen("127.0.0.1", 7601);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        closefrom(3);
        int c = tcp_connect("127.0.0.1", 7601);
        write_all(c, "still alive", 11);
        close(c);
        return 0;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    char buf[64];
    size_t n = read_to_eof(s, buf, sizeof buf);
    printf("got: %.*s\n", (int) n, buf);
    wait_child(pid);
    return 0;
}
