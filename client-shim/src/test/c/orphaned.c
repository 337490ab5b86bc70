/*
 * The server goes away under a program: a child blocked in read must return (ECONNRESET), the
 * parent blocked in accept stays blocked as on an idle Linux listener until a signal interrupts
 * it (never a hang the program cannot end, never a return it would retry at once), and later
 * socket calls fail with ENETDOWN.
 */
#include "testutil.h"
#include <signal.h>

static void on_alarm(int sig) {
    (void) sig;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    int ls = tcp_listen("127.0.0.1", 8200);
    int c = tcp_connect("127.0.0.1", 8200);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* Its stderr is the connection, as an inetd-style server's: the shim's line about the
         * server must not go there (SIGPIPE on the dead socket would kill the child). */
        CHECK(dup2(c, 2) == 2);
        char buf[16];
        ssize_t n = read(c, buf, sizeof buf);
        printf("read returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "EOF");
        return n <= 0 ? 0 : 1;
    }
    printf("ready\n");
    fflush(stdout);
    alarm(3);
    int r = accept(ls, NULL, NULL);
    int re = errno;
    printf("accept returned %d (%s)\n", r, r < 0 ? strerror(re) : "?");
    wait_child(pid);
    int x = socket(AF_INET, SOCK_STREAM, 0);
    int xe = errno;
    printf("socket after: %d (%s)\n", x, x < 0 ? strerror(xe) : "?");
    return r < 0 && re == EINTR && x < 0 && xe == ENETDOWN ? 0 : 1;
}
