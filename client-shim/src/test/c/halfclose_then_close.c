/*
 * shutdown(SHUT_WR) and then close, while the peer stays silent and keeps its end open: the
 * endpoint must still notice the close (the program's end is gone) and free the socket.
 * Prints "ready" with both ends set up, then waits to be killed.
 */
#include "testutil.h"

int main(void) {
    int ls = tcp_listen("127.0.0.1", 8400);
    int c = tcp_connect("127.0.0.1", 8400);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    CHECK(shutdown(c, SHUT_WR) == 0);
    char b;
    CHECK(read(s, &b, 1) == 0); /* the peer saw our FIN */
    close(c);
    printf("ready\n");
    fflush(stdout);
    pause();
    return 0;
}
