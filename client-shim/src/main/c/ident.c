/*
 * Identity of a data socket, carried by the fd itself: its abstract unix name
 * "\0alpenstack:<type>:<16 hex digits>". Any process holding the fd (fork, exec, SCM_RIGHTS)
 * reads it back with getsockname, so the shim needs no fd table that could go stale.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#define PREFIX_LEN (sizeof(AS_NAME_PREFIX) - 1)
/* '\0' + prefix + type + ':' + 16 hex */
#define NAME_LEN (1 + PREFIX_LEN + 2 + 16)


static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int stack_fd(int fd, uint64_t *token, char *type) {
    if (!shim_enabled() || fd < 0) {
        return 0;
    }
    int saved = errno;
    struct sockaddr_un sa;
    socklen_t len = sizeof sa;
    if (real.getsockname(fd, (struct sockaddr *) &sa, &len) < 0 || sa.sun_family != AF_UNIX
            || len != offsetof(struct sockaddr_un, sun_path) + NAME_LEN || sa.sun_path[0] != '\0'
            || memcmp(sa.sun_path + 1, AS_NAME_PREFIX, PREFIX_LEN) != 0) {
        errno = saved;
        return 0;
    }
    const char *p = sa.sun_path + 1 + PREFIX_LEN;
    if (p[1] != ':') {
        errno = saved;
        return 0;
    }
    uint64_t t = 0;
    for (int i = 0; i < 16; i++) {
        int v = hexval(p[2 + i]);
        if (v < 0) {
            errno = saved;
            return 0;
        }
        t = t << 4 | (uint64_t) v;
    }
    /* A gone socket's digits are only unique, not a token: 0 names nothing (rpc). */
    *token = p[0] == AS_TYPE_GONE || p[0] == AS_TYPE_GONE_DGRAM ? 0 : t;
    *type = p[0];
    errno = saved;
    return 1;
}

socklen_t data_socket_name(struct sockaddr_un *sa, char type, uint64_t token) {
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    char text[NAME_LEN + 1];
    snprintf(text, sizeof text, "%c" AS_NAME_PREFIX "%c:%016llx", 'X', type, (unsigned long long) token);
    memcpy(sa->sun_path, text, NAME_LEN);
    sa->sun_path[0] = '\0';
    return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + NAME_LEN);
}

int open_data_socket(uint64_t token, char type, int flags) {
    struct sockaddr_un name;
    socklen_t namelen = data_socket_name(&name, type, token);
    int fd = shim_connect_endpoint_bound(0, &name, namelen);
    if (fd < 0) {
        return errno == EADDRINUSE || errno == ENOMEM || errno == EMFILE || errno == ENFILE ? -errno : -ENETDOWN;
    }
    if (!(flags & SOCK_CLOEXEC)) {
        real.fcntl(fd, F_SETFD, 0);
    }
    struct as_hello h = { AS_MAGIC, AS_VERSION, AS_KIND_DATA, token };
    ssize_t n;
    do {
        n = real.sendto(fd, &h, sizeof h, MSG_NOSIGNAL, NULL, 0);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t) sizeof h) {
        real.close(fd);
        return -ENETDOWN;
    }
    if (flags & SOCK_NONBLOCK) {
        int fl = real.fcntl(fd, F_GETFL);
        real.fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
    return fd;
}

/* Tokens are never reused, so a token once seen listening stays a valid cache entry. */
#define LISTEN_CACHE 64
static uint64_t listening[LISTEN_CACHE];
static unsigned listening_next;
static pthread_mutex_t listening_lock = PTHREAD_MUTEX_INITIALIZER;

void note_listening(uint64_t token) {
    pthread_mutex_lock(&listening_lock);
    listening[listening_next++ % LISTEN_CACHE] = token;
    pthread_mutex_unlock(&listening_lock);
}

int is_listening(uint64_t token) {
    int found = 0;
    pthread_mutex_lock(&listening_lock);
    for (unsigned i = 0; i < LISTEN_CACHE; i++) {
        if (listening[i] == token) {
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&listening_lock);
    return found;
}
