package org.alpenstack.shim;

import java.util.Set;

/**
 * Who may use a tenant's endpoint, checked against SO_PEERCRED of every connection (the socket
 * file's mode is the first gate, this is the second: it also holds when the file is reachable
 * through a bind mount or a relaxed directory).
 */
public record AccessPolicy(Set<Integer> uids, Set<Integer> gids) {
    public AccessPolicy {
        uids = Set.copyOf(uids);
        gids = Set.copyOf(gids);
    }

    /** Root and the server's own user. */
    public static AccessPolicy serverUserOnly() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        return new AccessPolicy(uid == 0 ? Set.of(0) : Set.of(0, (int) uid), Set.of());
    }

    public boolean allows(int uid, int[] groups) {
        if (uids.contains(uid)) {
            return true;
        }
        for (int g : groups) {
            if (gids.contains(g)) {
                return true;
            }
        }
        return false;
    }
}
