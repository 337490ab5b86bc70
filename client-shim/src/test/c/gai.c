/*
 * getaddrinfo as a program in a tenant sees it: with the family left open, no IPv6 answers
 * (the tenant has none), for a passive lookup and for localhost; an explicit AF_INET6 request
 * still goes to glibc unchanged.
 */
#include "testutil.h"
#include <netdb.h>

static void families(const char *name, int flags, int family, int *v4, int *v6) {
    struct addrinfo hints = { 0 }, *res;
    hints.ai_flags = flags;
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    *v4 = *v6 = 0;
    int r = getaddrinfo(name, "80", &hints, &res);
    if (r != 0) {
        return;
    }
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next) {
        *v4 += a->ai_family == AF_INET;
        *v6 += a->ai_family == AF_INET6;
    }
    freeaddrinfo(res);
}

int main(void) {
    int v4, v6;
    families(NULL, AI_PASSIVE, AF_UNSPEC, &v4, &v6);
    printf("passive: v4=%d v6=%d\n", v4, v6);
    CHECK(v4 >= 1 && v6 == 0);
    families("localhost", 0, AF_UNSPEC, &v4, &v6);
    printf("localhost: v4=%d v6=%d\n", v4, v6);
    CHECK(v4 >= 1 && v6 == 0);
    families("::1", 0, AF_INET6, &v4, &v6);
    printf("explicit v6: v4=%d v6=%d\n", v4, v6);
    CHECK(v6 == 1);
    return 0;
}
