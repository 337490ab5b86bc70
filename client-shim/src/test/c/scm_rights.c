/*
 * An accepted socket handed to another process with SCM_RIGHTS (Alpine4Linux could not): the
 * acceptor passes it over a unix socketpair and closes its own copy; the worker, which never
 * saw the socket being created, asks its name and serves it.
 */
#include "testutil.h"

static void send_fd(int via, int fd) {
    char byte = 'F';
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr m = { 0 };
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    CHECK(sendmsg(via, &m, 0) == 1);
}

static int recv_fd(int via) {
    char byte;
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr m = { 0 };
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    CHECK(recvmsg(via, &m, 0) == 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL && c->cmsg_type == SCM_RIGHTS);
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid_t worker = fork();
    CHECK(worker >= 0);
    if (worker == 0) {
        close(sv[0]);
        int s = recv_fd(sv[1]);
        struct sockaddr_in local;
        socklen_t len = sizeof local;
        CHECK(getsockname(s, (struct sockaddr *) &local, &len) == 0 && ntohs(local.sin_port) == 7400);
        char buf[64];
        ssize_t n = read(s, buf, sizeof buf);
        CHECK(n > 0);
        char msg[96];
        int m = snprintf(msg, sizeof msg, "worker served: %.*s", (int) n, buf);
        write_all(s, msg, (size_t) m);
        close(s);
        return 0;
    }
    close(sv[1]);
    int ls = tcp_listen("127.0.0.1", 7400);
    pid_t client = fork();
    CHECK(client >= 0);
    if (client == 0) {
        int c = tcp_connect("127.0.0.1", 7400);
        write_all(c, "request", 7);
        char buf[128];
        size_t n = read_to_eof(c, buf, sizeof buf);
        printf("client got: %.*s\n", (int) n, buf);
        return 0;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    send_fd(sv[0], s);
    close(s);
    wait_child(worker);
    wait_child(client);
    return 0;
}
