/*
 * exec of a child that inherits an accepted socket: after exec nothing of the shim's memory
 * survives, so the new image must recognise the fd by itself (getsockname) for its control
 * calls, while data flows natively.
 *   exec_inherit            server + client
 *   exec_inherit FD         the exec'd child: serves FD
 */
#include "testutil.h"

int main(int argc, char **argv) {
    if (argc == 2) {
        int s = atoi(argv[1]);
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        CHECK(getpeername(s, (struct sockaddr *) &peer, &len) == 0);
        CHECK(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
        int nodelay = 1;
        CHECK(setsockopt(s, IPPROTO_TCP, 1 /* TCP_NODELAY */, &nodelay, sizeof nodelay) == 0);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "exec'd child serves peer port %d", ntohs(peer.sin_port));
        write_all(s, msg, (size_t) n);
        close(s);
        return 0;
    }
    int ls = tcp_listen("127.0.0.1", 7500);
    pid_t client = fork();
    CHECK(client >= 0);
    if (client == 0) {
        int c = tcp_connect("127.0.0.1", 7500);
        char buf[128];
        size_t n = read_to_eof(c, buf, sizeof buf);
        printf("client got: %.*s\n", (int) n, buf);
        return 0;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char arg[16];
        snprintf(arg, sizeof arg, "%d", s);
        execl("/proc/self/exe", argv[0], arg, (char *) NULL);
        perror("execl");
        return 1;
    }
    close(s);
    wait_child(child);
    wait_child(client);
    return 0;
}
