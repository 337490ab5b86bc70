/*
 * Names for programs attached to a tenant. glibc resolves inside libc (its resolver's sockets
 * never pass through a preload), and in the sandbox the host's DNS is unreachable anyway. So
 * getaddrinfo is answered here: the tenant's hosts entries first, then an A query to the
 * tenant's DNS servers over a UDP socket of the tenant itself (RFC 1035 4.1). Numeric hosts,
 * "localhost", IPv6-only requests and tenants without a names policy go to glibc unchanged.
 */
#include "shim.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_ADDRS 16
#define QUERY_TIMEOUT_MS 1500
#define ATTEMPTS 2

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

static gai_fn real_gai(void) {
    static gai_fn fn;
    if (fn == NULL) {
        fn = (gai_fn) dlsym(RTLD_NEXT, "getaddrinfo");
    }
    return fn;
}

/* RESOLVER reply: u32 nameservers, u32 hosts, nameservers, then (addr, u8 len, name) per host. */
struct resolver {
    uint32_t ns[8];
    int nns;
    char *raw;
    size_t rawlen;
    size_t hosts_at;
    uint32_t nhosts;
};

static int fetch_resolver(struct resolver *r) {
    r->raw = malloc(AS_MAX_PAYLOAD);
    if (r->raw == NULL) {
        return -ENOMEM;
    }
    size_t n = 0;
    int rc = rpc(AS_RESOLVER, 0, NULL, 0, r->raw, AS_MAX_PAYLOAD, &n, NULL);
    if (rc < 0 || n < 8) {
        free(r->raw);
        return rc < 0 ? rc : -EPROTO;
    }
    uint32_t nns;
    memcpy(&nns, r->raw, 4);
    memcpy(&r->nhosts, r->raw + 4, 4);
    if (nns > 8 || 8 + 4 * (size_t) nns > n) {
        free(r->raw);
        return -EPROTO;
    }
    r->nns = (int) nns;
    memcpy(r->ns, r->raw + 8, 4 * nns);
    r->hosts_at = 8 + 4 * nns;
    r->rawlen = n;
    return 0;
}

static int lookup_hosts(const struct resolver *r, const char *name, uint32_t *addrs) {
    size_t off = r->hosts_at;
    size_t want = strlen(name);
    for (uint32_t i = 0; i < r->nhosts && off + 5 <= r->rawlen; i++) {
        uint32_t a;
        memcpy(&a, r->raw + off, 4);
        size_t len = (unsigned char) r->raw[off + 4];
        if (off + 5 + len > r->rawlen) {
            break;
        }
        if (len == want && strncasecmp(r->raw + off + 5, name, len) == 0) {
            addrs[0] = a;
            return 1;
        }
        off += 5 + len;
    }
    return 0;
}

/* RFC 1035 4.1.1-4.1.2: one question, recursion desired. Returns the length, or -1. */
static int build_query(uint8_t *q, size_t cap, uint16_t id, const char *name) {
    size_t len = strlen(name);
    if (len == 0 || len > 253 || cap < 12 + len + 2 + 4) {
        return -1;
    }
    memset(q, 0, 12);
    q[0] = (uint8_t) (id >> 8);
    q[1] = (uint8_t) id;
    q[2] = 0x01; /* RD */
    q[5] = 1;    /* QDCOUNT */
    size_t o = 12;
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t) (dot - p) : strlen(p);
        if (l == 0 || l > 63) {
            if (l == 0 && dot == NULL) {
                break;
            }
            return -1;
        }
        q[o++] = (uint8_t) l;
        memcpy(q + o, p, l);
        o += l;
        p += l;
        if (*p == '.') {
            p++;
        }
    }
    q[o++] = 0;
    q[o++] = 0;
    q[o++] = 1; /* QTYPE A */
    q[o++] = 0;
    q[o++] = 1; /* QCLASS IN */
    return (int) o;
}

/* Skips a (possibly compressed) domain name; returns the offset after it, or -1. */
static int skip_name(const uint8_t *m, int len, int o) {
    for (int guard = 0; guard < 128 && o < len; guard++) {
        uint8_t l = m[o];
        if (l == 0) {
            return o + 1;
        }
        if ((l & 0xc0) == 0xc0) {
            return o + 2 <= len ? o + 2 : -1;
        }
        o += 1 + l;
    }
    return -1;
}

/* Returns the number of A records (up to MAX_ADDRS), 0 for no such name, -1 for a bad/failed answer. */
static int parse_answer(const uint8_t *m, int len, uint16_t id, uint32_t *addrs) {
    if (len < 12 || ((m[0] << 8) | m[1]) != id || !(m[2] & 0x80)) {
        return -1;
    }
    int rcode = m[3] & 0x0f;
    if (rcode == 3) {
        return 0; /* NXDOMAIN */
    }
    if (rcode != 0) {
        return -1;
    }
    int qd = (m[4] << 8) | m[5];
    int an = (m[6] << 8) | m[7];
    int o = 12;
    for (int i = 0; i < qd; i++) {
        o = skip_name(m, len, o);
        if (o < 0 || o + 4 > len) {
            return -1;
        }
        o += 4;
    }
    int n = 0;
    for (int i = 0; i < an && n < MAX_ADDRS; i++) {
        o = skip_name(m, len, o);
        if (o < 0 || o + 10 > len) {
            return -1;
        }
        int type = (m[o] << 8) | m[o + 1];
        int klass = (m[o + 2] << 8) | m[o + 3];
        int rdlen = (m[o + 8] << 8) | m[o + 9];
        o += 10;
        if (o + rdlen > len) {
            return -1;
        }
        if (type == 1 && klass == 1 && rdlen == 4) {
            memcpy(&addrs[n++], m + o, 4);
        }
        o += rdlen;
    }
    return n;
}

/* Asks each nameserver in turn over a tenant UDP socket. -EAI_AGAIN-like -1 when none answered. */
static int query_dns(const struct resolver *r, const char *name, uint32_t *addrs) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* our wrapper: a tenant socket */
    if (fd < 0) {
        return -1;
    }
    uint8_t q[300];
    uint8_t a[1500];
    int result = -1;
    for (int attempt = 0; attempt < ATTEMPTS && result < 0; attempt++) {
        for (int i = 0; i < r->nns && result < 0; i++) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint16_t id = (uint16_t) (ts.tv_nsec ^ (ts.tv_nsec >> 16) ^ getpid() ^ i);
            int qlen = build_query(q, sizeof q, id, name);
            if (qlen < 0) {
                close(fd);
                return 0;
            }
            struct sockaddr_in to;
            memset(&to, 0, sizeof to);
            to.sin_family = AF_INET;
            to.sin_port = htons(53);
            to.sin_addr.s_addr = r->ns[i];
            if (sendto(fd, q, (size_t) qlen, 0, (struct sockaddr *) &to, sizeof to) < 0) {
                continue;
            }
            for (;;) {
                struct pollfd p = { fd, POLLIN, 0 };
                int pr = poll(&p, 1, QUERY_TIMEOUT_MS);
                if (pr <= 0) {
                    break;
                }
                struct sockaddr_in from;
                socklen_t fl = sizeof from;
                ssize_t n = recvfrom(fd, a, sizeof a, MSG_DONTWAIT, (struct sockaddr *) &from, &fl);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EINTR) {
                        continue;
                    }
                    break;
                }
                if (from.sin_addr.s_addr != to.sin_addr.s_addr || from.sin_port != to.sin_port) {
                    continue; /* not our server: ignore (RFC 5452 9.1) */
                }
                int got = parse_answer(a, (int) n, id, addrs);
                if (got >= 0) {
                    result = got;
                }
                break;
            }
        }
    }
    close(fd);
    return result;
}

static int service_port(const char *service, const struct addrinfo *hints, uint16_t *port) {
    if (service == NULL) {
        *port = 0;
        return 0;
    }
    char *end;
    long v = strtol(service, &end, 10);
    if (*service != '\0' && *end == '\0') {
        if (v < 0 || v > 65535) {
            return EAI_SERVICE;
        }
        *port = htons((uint16_t) v);
        return 0;
    }
    if (hints != NULL && (hints->ai_flags & AI_NUMERICSERV)) {
        return EAI_NONAME;
    }
    const char *proto = hints != NULL && hints->ai_socktype == SOCK_DGRAM ? "udp" : "tcp";
    struct servent *se = getservbyname(service, proto);
    if (se == NULL) {
        return EAI_SERVICE;
    }
    *port = (uint16_t) se->s_port;
    return 0;
}

/* One addrinfo and its sockaddr in one block, as glibc's freeaddrinfo expects. */
static struct addrinfo *node(uint32_t addr, uint16_t port, int socktype, int protocol) {
    struct {
        struct addrinfo ai;
        struct sockaddr_in sin;
    } *b = calloc(1, sizeof *b);
    if (b == NULL) {
        return NULL;
    }
    b->sin.sin_family = AF_INET;
    b->sin.sin_port = port;
    b->sin.sin_addr.s_addr = addr;
    b->ai.ai_family = AF_INET;
    b->ai.ai_socktype = socktype;
    b->ai.ai_protocol = protocol;
    b->ai.ai_addrlen = sizeof b->sin;
    b->ai.ai_addr = (struct sockaddr *) &b->sin;
    return &b->ai;
}

/*
 * glibc's answer without IPv6 entries, when the program left the family open: the tenant has
 * no IPv6 (its AF_INET6 sockets are refused), so, like AI_ADDRCONFIG on an IPv4-only host,
 * programs that take the first answer (python's http.server binds "::" otherwise) get IPv4.
 * glibc allocates each node with its sockaddr and frees node by node, so unlinking is safe.
 */
static int ipv4_only(const char *name, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    int r = real_gai()(name, service, hints, res);
    if (r != 0 || (hints != NULL && hints->ai_family != AF_UNSPEC)) {
        return r;
    }
    char *canon = (*res)->ai_canonname;
    (*res)->ai_canonname = NULL;
    struct addrinfo **link = res;
    int kept = 0, dropped = 0;
    while (*link != NULL) {
        struct addrinfo *ai = *link;
        if (ai->ai_family == AF_INET6) {
            *link = ai->ai_next;
            ai->ai_next = NULL;
            freeaddrinfo(ai);
            dropped++;
        } else {
            link = &ai->ai_next;
            kept++;
        }
    }
    if (kept == 0) {
        free(canon);
        *res = NULL;
        return dropped > 0 ? EAI_ADDRFAMILY : EAI_NONAME;
    }
    (*res)->ai_canonname = canon;
    return 0;
}

int getaddrinfo(const char *name, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    shim_init();
    struct in_addr numeric;
    if (!shim_enabled() || (hints != NULL && hints->ai_family == AF_INET6)) {
        return real_gai()(name, service, hints, res);
    }
    if (name == NULL || inet_aton(name, &numeric) || strchr(name, ':') != NULL
            || strcasecmp(name, "localhost") == 0 || strcasecmp(name, "localhost.") == 0
            || (hints != NULL && (hints->ai_flags & AI_NUMERICHOST))) {
        return ipv4_only(name, service, hints, res);
    }
    if (hints != NULL && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET) {
        return EAI_FAMILY;
    }
    struct resolver r;
    if (fetch_resolver(&r) < 0) {
        return ipv4_only(name, service, hints, res);
    }
    uint32_t addrs[MAX_ADDRS];
    int n = lookup_hosts(&r, name, addrs);
    if (n == 0) {
        if (r.nns == 0) {
            free(r.raw);
            return ipv4_only(name, service, hints, res); /* the tenant has no names policy */
        }
        n = query_dns(&r, name, addrs);
    }
    free(r.raw);
    if (n < 0) {
        return EAI_AGAIN;
    }
    if (n == 0) {
        return EAI_NONAME;
    }
    uint16_t port;
    int e = service_port(service, hints, &port);
    if (e != 0) {
        return e;
    }
    static const int types[3][2] = { { SOCK_STREAM, IPPROTO_TCP }, { SOCK_DGRAM, IPPROTO_UDP }, { SOCK_RAW, 0 } };
    struct addrinfo *head = NULL, **tail = &head;
    for (int i = 0; i < n; i++) {
        for (int t = 0; t < 3; t++) {
            if (hints != NULL && hints->ai_socktype != 0 && hints->ai_socktype != types[t][0]) {
                continue;
            }
            if (hints != NULL && hints->ai_protocol != 0 && hints->ai_protocol != types[t][1] && types[t][1] != 0) {
                continue;
            }
            if ((hints == NULL || hints->ai_socktype == 0) && t == 2 && service != NULL) {
                continue; /* glibc: no raw entry when a service is named */
            }
            struct addrinfo *ai = node(addrs[i], port, types[t][0], types[t][1]);
            if (ai == NULL) {
                freeaddrinfo(head);
                return EAI_MEMORY;
            }
            *tail = ai;
            tail = &ai->ai_next;
        }
    }
    if (head != NULL && hints != NULL && (hints->ai_flags & AI_CANONNAME)) {
        head->ai_canonname = strdup(name);
    }
    *res = head;
    return head != NULL ? 0 : EAI_NONAME;
}
