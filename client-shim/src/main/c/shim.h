/* Internal interface of libalpenstack-preload.so. */
#ifndef ALPENSTACK_SHIM_H
#define ALPENSTACK_SHIM_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include "proto.h"

#pragma GCC visibility push(hidden)

/* The libc functions we wrap, resolved with dlsym(RTLD_NEXT). */
struct real_fns {
    int (*socket)(int, int, int);
    int (*socketpair)(int, int, int, int[2]);
    int (*bind)(int, const struct sockaddr *, socklen_t);
    int (*listen)(int, int);
    int (*accept)(int, struct sockaddr *, socklen_t *);
    int (*accept4)(int, struct sockaddr *, socklen_t *, int);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    int (*getsockname)(int, struct sockaddr *, socklen_t *);
    int (*getpeername)(int, struct sockaddr *, socklen_t *);
    int (*getsockopt)(int, int, int, void *, socklen_t *);
    int (*setsockopt)(int, int, int, const void *, socklen_t);
    int (*shutdown)(int, int);
    int (*ioctl)(int, unsigned long, void *);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    ssize_t (*send)(int, const void *, size_t, int);
    int (*dup)(int);
    int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
    int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
    ssize_t (*recv)(int, void *, size_t, int);
    ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
    ssize_t (*recvmsg)(int, struct msghdr *, int);
    ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    ssize_t (*sendmsg)(int, const struct msghdr *, int);
    int (*close)(int);
    int (*close_range)(unsigned, unsigned, int);
    void (*closefrom)(int);
    int (*dup2)(int, int);
    int (*dup3)(int, int, int);
    int (*fcntl)(int, int, ...);
    int (*fcntl64)(int, int, ...);
};
extern struct real_fns real;
void shim_init(void);

/* ---- control channel (ctl.c) ---- */
/* 1 when ALPENSTACK_ENDPOINT is set and no seccomp filter confines the process: AF_INET
 * sockets then belong to the stack. */
int shim_enabled(void);
/* 1 once the program installed a seccomp filter (confine.c): the shim makes no calls of its own. */
int shim_confined(void);
const char *shim_endpoint(void);
/* A new blocking AF_UNIX stream connected to the endpoint, or -1 with errno. */
int shim_connect_endpoint(int type_flags);
/* The same, first bound to `name` (a data socket's abstract name); through the pass-fd channel
 * when the endpoint's path is out of reach (chroot) or the process is no longer root. */
struct sockaddr_un;
int shim_connect_endpoint_bound(int type_flags, const struct sockaddr_un *name, socklen_t namelen);
/* The pass-fd channel's fd (inherited across fork), or -1. */
int passfd_current(void);
/* The control fd, or -1 when not open (in this process). */
int ctl_fd_current(void);
/* Moves the control fd away from `fd` if it sits there (before the program dup2s onto it). */
void ctl_evacuate(int fd);
/*
 * One RPC: sends op/token/payload, waits for the reply. Returns the result (>= 0 or -errno);
 * -ENETDOWN when the endpoint cannot be reached or went away. The reply payload is copied to
 * `out` (up to out_cap bytes), its length stored in *out_len; *out_token gets the reply token.
 */
int rpc(uint16_t op, uint64_t token, const void *payload, size_t len,
        void *out, size_t out_cap, size_t *out_len, uint64_t *out_token);

/* ---- identity of data sockets (ident.c) ---- */
/* 1 and the token/type when fd is one of our data sockets, else 0 (errno preserved). */
int stack_fd(int fd, uint64_t *token, char *type);
/* Opens the data socket for `token`: bound to its abstract name, connected, hello sent. */
int open_data_socket(uint64_t token, char type, int flags);
/* Fills in a data socket's abstract name; returns its length. */
socklen_t data_socket_name(struct sockaddr_un *sa, char type, uint64_t token);
/* Remembers that a token is a listening socket (so accept knows without an RPC). */
void note_listening(uint64_t token);
int is_listening(uint64_t token);
/* After EOF on a stack stream: 0 when it cannot stand for a recorded error (no POLLHUP), io.c. */
int eof_may_carry_error(int fd);

/* ---- a server that went away (gone.c) ---- */
/* One line on stderr, the first time the process notices. */
void gone_notice(void);
/* 1 for an RPC result that means the server of the socket is gone (ENETDOWN, EBADF). */
int gone_answer(int r);
/* 1 when a data socket hung up because its server went away (asks STATUS). */
int socket_gone(int fd, uint64_t token);
/* Swaps the listener's data socket for an idle listener of the process's own; 0 or -1. */
int gone_swap_listener(int fd);
/* accept on a swapped listener: EAGAIN, or waits (signals, SO_RCVTIMEO), natively. */
int gone_accept(int fd, int flags);
/* Swaps a connection's data socket for a dead one (EOF, EPIPE); -ECONNRESET the first time, then 0. */
int gone_swap_connection(int fd);
/* Swaps a datagram socket's data socket for one no doorbell ever rings on; 0 or -1. */
int gone_swap_datagram(int fd);

/* ---- datagram sockets (dgram.c) ---- */
/* Remembers what kind of fd a number holds: 0 unknown, 1 not a datagram socket, 2 datagram. */
void fdkind_set(int fd, int kind);
int fdkind_get(int fd);
/* Cheap test for the hot paths (read/write/send/recv): only fds seen as datagram sockets. */
int dgram_fast(int fd, uint64_t *token);
/* Full test for the datagram calls (sendto/recvfrom/...): unknown fds are looked at once. */
int dgram_checked(int fd, uint64_t *token);
ssize_t dgram_send(int fd, uint64_t token, const struct iovec *iov, size_t iovcnt, int flags,
                   const struct sockaddr *to, socklen_t tolen);
/* msg (recvmsg only, else NULL): msg_flags and the control messages are filled in. */
ssize_t dgram_recv(int fd, uint64_t token, const struct iovec *iov, size_t iovcnt, int flags,
                   struct sockaddr *from, socklen_t *fromlen, struct msghdr *msg);

#pragma GCC visibility pop

/* errno helpers: set errno from -e and return -1 */
static inline int fail(int negerr) {
    extern int *__errno_location(void);
    *__errno_location() = -negerr;
    return -1;
}

#endif
