/*
 * Takes sockets of every kind (a listener, both ends of a connection with unread data, a UDP
 * socket with a queued datagram, a socket that never connects), says "ready", and waits to be
 * killed: the endpoint must free all of it when the kernel closes the fds of the dead process.
 */
#include "testutil.h"

int main(void) {
    int ls = tcp_listen("127.0.0.1", 8100);
    int c = tcp_connect("127.0.0.1", 8100);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    write_all(c, "unread", 6);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = addr_of("127.0.0.1", 8101);
    CHECK(bind(u, (struct sockaddr *) &a, sizeof a) == 0);
    CHECK(sendto(u, "self", 4, 0, (struct sockaddr *) &a, sizeof a) == 4);
    int idle = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(idle >= 0);
    printf("ready\n");
    fflush(stdout);
    pause();
    return 0;
}
