/*
 * The tenant's interfaces, as getifaddrs(3) and the SIOCGIF* ioctls see them, so a stock
 * ifconfig or a program listing its addresses sees the instance, not the host.
 */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#define MAX_IFRECORDS (AS_MAX_PAYLOAD / sizeof(struct as_ifrecord))

static int fetch(struct as_ifrecord **out) {
    struct as_ifrecord *recs = malloc(AS_MAX_PAYLOAD);
    if (recs == NULL) {
        return -ENOMEM;
    }
    size_t n = 0;
    int r = rpc(AS_GETIFADDRS, 0, NULL, 0, recs, AS_MAX_PAYLOAD, &n, NULL);
    if (r < 0) {
        free(recs);
        return r;
    }
    *out = recs;
    return (int) (n / sizeof(struct as_ifrecord));
}

static void set_in(struct sockaddr_in *sin, uint32_t addr) {
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
}

/* One malloc block, so glibc's freeifaddrs (a plain free) releases it. */
struct ifa_block {
    struct ifaddrs ifa;
    struct sockaddr_in addr, mask, brd;
    char name[IFNAMSIZ + 1];
};

int getifaddrs(struct ifaddrs **ifap) {
    static int (*real_getifaddrs)(struct ifaddrs **);
    shim_init();
    if (!shim_enabled()) {
        if (real_getifaddrs == NULL) {
            real_getifaddrs = (int (*)(struct ifaddrs **)) dlsym(RTLD_NEXT, "getifaddrs");
        }
        return real_getifaddrs(ifap);
    }
    struct as_ifrecord *recs;
    int n = fetch(&recs);
    if (n < 0) {
        return fail(n);
    }
    struct ifa_block *b = calloc(n > 0 ? (size_t) n : 1, sizeof *b);
    if (b == NULL) {
        free(recs);
        return fail(-ENOMEM);
    }
    for (int i = 0; i < n; i++) {
        memcpy(b[i].name, recs[i].name, IFNAMSIZ);
        b[i].ifa.ifa_name = b[i].name;
        b[i].ifa.ifa_flags = recs[i].flags;
        if (recs[i].addr != 0) {
            set_in(&b[i].addr, recs[i].addr);
            set_in(&b[i].mask, recs[i].netmask);
            b[i].ifa.ifa_addr = (struct sockaddr *) &b[i].addr;
            b[i].ifa.ifa_netmask = (struct sockaddr *) &b[i].mask;
            if (recs[i].flags & IFF_BROADCAST) {
                set_in(&b[i].brd, recs[i].broadcast);
                b[i].ifa.ifa_broadaddr = (struct sockaddr *) &b[i].brd;
            }
        }
        b[i].ifa.ifa_next = i + 1 < n ? &b[i + 1].ifa : NULL;
    }
    free(recs);
    *ifap = n > 0 ? &b[0].ifa : NULL;
    if (n == 0) {
        free(b);
    }
    return 0;
}

static const struct as_ifrecord *find(const struct as_ifrecord *recs, int n, const char *name) {
    for (int i = 0; i < n; i++) {
        if (strncmp(recs[i].name, name, IFNAMSIZ) == 0) {
            return &recs[i];
        }
    }
    return NULL;
}

static int ifconf(struct ifconf *ifc, const struct as_ifrecord *recs, int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (recs[i].addr != 0) {
            count++;
        }
    }
    if (ifc->ifc_req == NULL) {
        ifc->ifc_len = count * (int) sizeof(struct ifreq);
        return 0;
    }
    int room = ifc->ifc_len / (int) sizeof(struct ifreq);
    int k = 0;
    for (int i = 0; i < n && k < room; i++) {
        if (recs[i].addr == 0) {
            continue;
        }
        struct ifreq *r = &ifc->ifc_req[k++];
        memset(r, 0, sizeof *r);
        memcpy(r->ifr_name, recs[i].name, IFNAMSIZ);
        r->ifr_name[IFNAMSIZ - 1] = '\0';
        set_in((struct sockaddr_in *) &r->ifr_addr, recs[i].addr);
    }
    ifc->ifc_len = k * (int) sizeof(struct ifreq);
    return 0;
}

/* The SIOCGIF* family, answered from the tenant's interfaces. */
static int interface_ioctl(unsigned long req, void *arg) {
    struct as_ifrecord *recs;
    int n = fetch(&recs);
    if (n < 0) {
        return fail(n);
    }
    int r = 0;
    if (req == SIOCGIFCONF) {
        r = ifconf(arg, recs, n);
        free(recs);
        return r;
    }
    struct ifreq *ifr = arg;
    const struct as_ifrecord *rec = NULL;
    if (req == SIOCGIFNAME) {
        for (int i = 0; i < n; i++) {
            if ((int) recs[i].index == ifr->ifr_ifindex) {
                rec = &recs[i];
                break;
            }
        }
    } else {
        char name[IFNAMSIZ];
        memcpy(name, ifr->ifr_name, IFNAMSIZ);
        name[IFNAMSIZ - 1] = '\0';
        rec = find(recs, n, name);
    }
    if (rec == NULL) {
        free(recs);
        return fail(-ENODEV);
    }
    switch (req) {
        case SIOCGIFNAME:
            memcpy(ifr->ifr_name, rec->name, IFNAMSIZ);
            ifr->ifr_name[IFNAMSIZ - 1] = '\0';
            break;
        case SIOCGIFINDEX:
            ifr->ifr_ifindex = (int) rec->index;
            break;
        case SIOCGIFFLAGS:
            ifr->ifr_flags = (short) rec->flags;
            break;
        case SIOCGIFMTU:
            ifr->ifr_mtu = (int) rec->mtu;
            break;
        case SIOCGIFADDR:
        case SIOCGIFNETMASK:
        case SIOCGIFBRDADDR:
            if (rec->addr == 0) {
                r = fail(-EADDRNOTAVAIL);
                break;
            }
            set_in((struct sockaddr_in *) &ifr->ifr_addr,
                   req == SIOCGIFADDR ? rec->addr : req == SIOCGIFNETMASK ? rec->netmask : rec->broadcast);
            break;
        case SIOCGIFHWADDR:
            memset(&ifr->ifr_hwaddr, 0, sizeof ifr->ifr_hwaddr);
            ifr->ifr_hwaddr.sa_family = (rec->flags & IFF_LOOPBACK) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
            memcpy(ifr->ifr_hwaddr.sa_data, rec->mac, 6);
            break;
        default:
            r = fail(-EINVAL);
    }
    free(recs);
    return r;
}

int ioctl(int fd, unsigned long req, ...) {
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    shim_init();
    uint64_t token;
    char type;
    if (!stack_fd(fd, &token, &type)) {
        return real.ioctl(fd, req, arg);
    }
    switch (req) {
        case SIOCGIFCONF:
        case SIOCGIFNAME:
        case SIOCGIFINDEX:
        case SIOCGIFFLAGS:
        case SIOCGIFMTU:
        case SIOCGIFADDR:
        case SIOCGIFNETMASK:
        case SIOCGIFBRDADDR:
        case SIOCGIFHWADDR:
            if (arg == NULL) {
                return fail(-EFAULT);
            }
            return interface_ioctl(req, arg);
        case SIOCOUTQ: {
            /* Linux: bytes not yet acknowledged = ours still in the unix queue + TCP's unacked. */
            int local = 0;
            if (real.ioctl(fd, SIOCOUTQ, &local) < 0) {
                return -1;
            }
            uint32_t r32 = (uint32_t) req;
            int r = rpc(AS_IOCTL, token, &r32, sizeof r32, NULL, 0, NULL, NULL);
            if (r < 0) {
                return fail(r);
            }
            *(int *) arg = local + r;
            return 0;
        }
        default:
            /* FIONREAD, FIONBIO ... act on the data socket the program holds, natively. */
            return real.ioctl(fd, req, arg);
    }
}
