/*
 * The tenant's interfaces as programs list them: getifaddrs (freed with glibc's freeifaddrs)
 * and the SIOCGIFCONF / SIOCGIF* ioctls on a stack socket. Prints what it sees.
 */
#include "testutil.h"
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/ioctl.h>

int main(void) {
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0);
    for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET) {
            char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &((struct sockaddr_in *) i->ifa_addr)->sin_addr, a, sizeof a);
            inet_ntop(AF_INET, &((struct sockaddr_in *) i->ifa_netmask)->sin_addr, m, sizeof m);
            printf("getifaddrs: %s %s/%s flags=%#x\n", i->ifa_name, a, m, i->ifa_flags);
        }
    }
    freeifaddrs(list);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(s >= 0);
    struct ifreq reqs[16];
    struct ifconf ifc = { .ifc_len = sizeof reqs, .ifc_req = reqs };
    CHECK(ioctl(s, SIOCGIFCONF, &ifc) == 0);
    for (int i = 0; i < ifc.ifc_len / (int) sizeof(struct ifreq); i++) {
        struct ifreq r;
        memset(&r, 0, sizeof r);
        strncpy(r.ifr_name, reqs[i].ifr_name, IFNAMSIZ - 1);
        CHECK(ioctl(s, SIOCGIFMTU, &r) == 0);
        int mtu = r.ifr_mtu;
        CHECK(ioctl(s, SIOCGIFINDEX, &r) == 0);
        printf("ioctl: %s index=%d mtu=%d\n", r.ifr_name, r.ifr_ifindex, mtu);
    }
    struct ifreq bad;
    memset(&bad, 0, sizeof bad);
    strcpy(bad.ifr_name, "nosuch0");
    CHECK(ioctl(s, SIOCGIFFLAGS, &bad) == -1 && errno == ENODEV);
    printf("unknown interface: ENODEV\n");
    return 0;
}
