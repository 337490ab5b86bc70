/*
 * A pass-fd channel spoken by hand: the endpoint closes what is not a unix socket (a pipe,
 * /dev/null) and a channel that sends bytes without an fd, and keeps serving: a socketpair end
 * passed afterwards becomes a working control connection (hello, then GETIFADDRS).
 */
#include "testutil.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/un.h>
#include "../../main/c/proto.h"

static int channel(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", getenv("ALPENSTACK_ENDPOINT"));
    CHECK(connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0);
    struct as_hello h = { AS_MAGIC, AS_VERSION, AS_KIND_PASSFD, (uint64_t) getpid() };
    CHECK(write(fd, &h, sizeof h) == sizeof h);
    struct as_hello_reply r;
    CHECK(read(fd, &r, sizeof r) == sizeof r && r.magic == AS_MAGIC && r.status == 0);
    return fd;
}

static void pass(int ch, int fd) {
    char one = 0;
    struct iovec iov = { &one, 1 };
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    CHECK(sendmsg(ch, &m, 0) == 1);
}

int main(void) {
    int ch = channel();
    int p[2];
    CHECK(pipe(p) == 0);
    pass(ch, p[0]);
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    pass(ch, null);
    /* The endpoint closed the pipe end it was given: writing finds no reader once ours is closed. */
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    usleep(200000);
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
    printf("junk fds closed\n");

    /* Bytes where an fd was due close the channel. */
    int bad = channel();
    CHECK(write(bad, "xy", 2) == 2);
    char b;
    /* EOF, or ECONNRESET: the endpoint closed with our second byte unread (af_unix). */
    ssize_t n = read(bad, &b, 1);
    CHECK(n == 0 || (n == -1 && errno == ECONNRESET));
    printf("bytes without an fd: channel closed\n");

    /* The first channel still works: a socketpair end becomes a control connection. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pass(ch, sv[1]);
    close(sv[1]);
    struct as_hello h = { AS_MAGIC, AS_VERSION, AS_KIND_CONTROL, (uint64_t) getpid() };
    CHECK(write(sv[0], &h, sizeof h) == sizeof h);
    struct as_hello_reply hr;
    CHECK(read(sv[0], &hr, sizeof hr) == sizeof hr && hr.magic == AS_MAGIC && hr.status == 0);
    struct as_header q = { AS_HEADER, AS_GETIFADDRS, 0, 7, 0, 0 };
    CHECK(write(sv[0], &q, sizeof q) == sizeof q);
    struct as_header a;
    CHECK(read(sv[0], &a, sizeof a) == sizeof a && a.op == (AS_GETIFADDRS | AS_REPLY) && a.seq == 7 && a.result == 0);
    printf("passed socketpair: control connection answers\n");
    return 0;
}
