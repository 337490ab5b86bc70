/*
 * A reset seen through stdio and readv, which read past the shim's read wrapper: fgets on an
 * fdopen'ed socket and readv both fail with ECONNRESET after the peer closed with SO_LINGER
 * {1, 0} (the line sent before the reset is still read first, as on Linux), and the stream's
 * error indicator is set, not its EOF indicator. After the reset has been reported, writing
 * fails with EPIPE: send(MSG_NOSIGNAL) without a signal, write(2) with SIGPIPE, and fflush on
 * the stdio stream as well.
 */
#include "testutil.h"
#include <signal.h>
#include <sys/uio.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig) {
    (void) sig;
    sigpipes++;
}

/* A connection whose server side says `line` and then resets it; returns the client side. */
static int reset_after(int ls, const char *line) {
    int c = tcp_connect("127.0.0.1", 7710);
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    write_all(s, line, strlen(line));
    struct linger lg = { 1, 0 };
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    close(s);
    return c;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigpipe;
    CHECK(sigaction(SIGPIPE, &sa, NULL) == 0);
    int ls = tcp_listen("127.0.0.1", 7710);

    /* fdopen + fgets */
    int c = reset_after(ls, "before the reset\n");
    FILE *f = fdopen(c, "r");
    FILE *w = fdopen(dup(c), "w");
    CHECK(f != NULL && w != NULL);
    char line[64];
    CHECK(fgets(line, sizeof line, f) != NULL && strcmp(line, "before the reset\n") == 0);
    errno = 0;
    char *r = fgets(line, sizeof line, f);
    if (r != NULL || errno != ECONNRESET || !ferror(f) || feof(f)) {
        fprintf(stderr, "fgets after reset: %s, errno %s, ferror %d, feof %d\n", r ? "a line" : "NULL",
                strerror(errno), ferror(f), feof(f));
        return 1;
    }
    printf("fgets: line, then ECONNRESET with the error indicator\n");
    CHECK(fputs("after\n", w) >= 0);
    errno = 0;
    CHECK(fflush(w) == EOF && errno == EPIPE);
    printf("fflush after reset: EPIPE\n");
    fclose(w);
    fclose(f);

    /* readv */
    c = reset_after(ls, "0123456789");
    char a[4], b[16];
    struct iovec iov[2] = { { a, sizeof a }, { b, sizeof b } };
    size_t got = 0;
    ssize_t n;
    while ((n = readv(c, iov, 2)) > 0) {
        got += (size_t) n;
    }
    if (!(n == -1 && errno == ECONNRESET && got == 10)) {
        fprintf(stderr, "readv: %zd after %zu bytes (%s), wanted -1 ECONNRESET after 10\n", n, got,
                n < 0 ? strerror(errno) : "EOF");
        return 1;
    }
    printf("readv: 10 bytes, then ECONNRESET\n");

    /* Writing after the reset was reported: EPIPE, and SIGPIPE unless MSG_NOSIGNAL. */
    int before = sigpipes;
    CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
    CHECK(sigpipes == before);
    CHECK(write(c, "x", 1) == -1 && errno == EPIPE);
    CHECK(sigpipes == before + 1);
    printf("send(MSG_NOSIGNAL): EPIPE, no signal; write: EPIPE and SIGPIPE\n");
    close(c);
    return 0;
}
