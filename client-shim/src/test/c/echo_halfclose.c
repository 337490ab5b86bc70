/*
 * A server and a client in one preloaded program (fork): bind/listen/accept/connect, names on
 * both ends, a client that half-closes (shutdown SHUT_WR) and still reads the answer, and a
 * server that reads to EOF before answering. Prints the answer.
 */
#include "testutil.h"
#include <ctype.h>
#include <netinet/tcp.h>

int main(void) {
    int ls = tcp_listen("127.0.0.1", 7000);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    CHECK(getsockname(ls, (struct sockaddr *) &a, &len) == 0);
    CHECK(len == sizeof a && ntohs(a.sin_port) == 7000 && a.sin_family == AF_INET);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ls);
        int c = tcp_connect("127.0.0.1", 7000);
        struct sockaddr_in peer;
        len = sizeof peer;
        CHECK(getpeername(c, (struct sockaddr *) &peer, &len) == 0);
        CHECK(ntohs(peer.sin_port) == 7000 && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
        struct tcp_info ti;
        socklen_t tl = sizeof ti;
        CHECK(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0 && tl > 100);
        CHECK(ti.tcpi_state == 1 /* TCP_ESTABLISHED */ && ti.tcpi_snd_mss > 0);
        printf("tcp_info: state %u mss %u\n", ti.tcpi_state, ti.tcpi_snd_mss);
        write_all(c, "hello, stack", 12);
        CHECK(shutdown(c, SHUT_WR) == 0);
        char buf[256];
        size_t n = read_to_eof(c, buf, sizeof buf);
        printf("client got: %.*s\n", (int) n, buf);
        close(c);
        return 0;
    }
    struct sockaddr_in from;
    len = sizeof from;
    int s = accept(ls, (struct sockaddr *) &from, &len);
    CHECK(s >= 0);
    CHECK(len == sizeof from && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(from.sin_port) != 7000);
    char buf[256];
    size_t n = read_to_eof(s, buf, sizeof buf);
    for (size_t i = 0; i < n; i++) {
        buf[i] = (char) toupper((unsigned char) buf[i]);
    }
    write_all(s, buf, n);
    close(s);
    wait_child(pid);
    close(ls);
    printf("server done\n");
    return 0;
}
