/*
 * The Alpenstack shim wire protocol, version 1 (client-shim/README.md is the spec; the Java
 * side is org.alpenstack.shim.ShimProtocol). Integers little-endian, sockaddrs as Linux's.
 */
#ifndef ALPENSTACK_PROTO_H
#define ALPENSTACK_PROTO_H

#include <stdint.h>

#define AS_MAGIC 0x53504C41u /* "ALPS" in memory */
#define AS_VERSION 1

#define AS_KIND_CONTROL 1
#define AS_KIND_DATA 2
#define AS_KIND_PASSFD 3

#define AS_HEADER 24
#define AS_MAX_PAYLOAD 65536
#define AS_REPLY 0x8000

enum as_op {
    AS_SOCKET = 1,
    AS_BIND = 2,
    AS_LISTEN = 3,
    AS_CONNECT = 4,
    AS_CONNECT_FILLED = 5,
    AS_GETSOCKNAME = 6,
    AS_GETPEERNAME = 7,
    AS_GETSOCKOPT = 8,
    AS_SETSOCKOPT = 9,
    AS_SHUTDOWN = 10,
    AS_STATUS = 11,
    AS_IOCTL = 12,
    AS_GETIFADDRS = 13,
    AS_CLOSE = 14,
    AS_SENDTO = 15,
    AS_RECVFROM = 16,
    AS_RESOLVER = 17,
};

/* STATUS flags */
#define AS_ST_LISTENING 1
#define AS_ST_CONNECTED 2
#define AS_ST_RESET 4

/* CONNECT_FILLED flags (an optional u32 after the filler count) */
#define AS_FILLED_SETTLE 1 /* a blocking connect: on success the endpoint collects the result itself */

struct as_hello {
    uint32_t magic;
    uint16_t version;
    uint16_t kind;
    uint64_t value; /* CONTROL: pid; DATA: token. Reply: status in kind's place, see below */
} __attribute__((packed));

struct as_hello_reply {
    uint32_t magic;
    uint16_t version;
    uint16_t status;
    uint64_t interfaces;
} __attribute__((packed));

struct as_header {
    uint32_t length;
    uint16_t op;
    uint16_t flags;
    uint32_t seq;
    int32_t result; /* requests: reserved, 0 */
    uint64_t token;
} __attribute__((packed));

/* One pending connection, written on a listening socket's data socket. */
struct as_accept_record {
    uint64_t token;
    uint16_t family;
    uint16_t port;  /* network order */
    uint32_t reserved;
    uint8_t addr[16];
} __attribute__((packed));

/* One interface in a GETIFADDRS reply. */
struct as_ifrecord {
    char name[16];
    uint32_t flags;
    uint32_t index;
    uint32_t addr;      /* network order */
    uint32_t netmask;   /* network order */
    uint32_t broadcast; /* network order */
    uint32_t mtu;
    uint8_t mac[6];
    uint8_t pad[2];
} __attribute__((packed));

/* Abstract name of a data socket: "\0alpenstack:" type ":" 16 hex digits. */
#define AS_NAME_PREFIX "alpenstack:"
#define AS_TYPE_STREAM 's'
#define AS_TYPE_DGRAM 'd'
#define AS_TYPE_PING 'p'
/* Never sent to the endpoint: the shim's stand-ins for sockets whose server went away (gone.c). */
#define AS_TYPE_GONE 'x'       /* a TCP listener or connection */
#define AS_TYPE_GONE_DGRAM 'y' /* a datagram socket */

_Static_assert(sizeof(struct as_hello) == 16, "hello");
_Static_assert(sizeof(struct as_header) == AS_HEADER, "header");
_Static_assert(sizeof(struct as_accept_record) == 32, "accept record");
_Static_assert(sizeof(struct as_ifrecord) == 48, "ifrecord");

#endif
