package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may use a tenant: socket file permissions, then SO_PEERCRED against the policy. */
class AccessPolicyTest {
    @Test
    void aUserTheTenantDoesNotAllowGetsEaccesAndOtherFamiliesStillWork() throws Exception {
        // A policy that allows only an unlikely uid: this test's own user is refused.
        try (ShimTestStack t = ShimTestStack.start("closed", new AccessPolicy(Set.of(54321), Set.of()))) {
            ShimTestStack.Result r = t.run(20, ShimTestStack.compile("refused").toString());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("socket: -1 (Permission denied)"), r::toString);
            assertTrue(t.onLoop(s -> t.endpoint.framesRejected()) > 0);
        }
    }

    @Test
    void theEndpointFileIsOnlyForOwnerAndGroup() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("perms")) {
            assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(t.endpoint.socketPath()));
            assertFalse(Files.getPosixFilePermissions(t.endpoint.socketPath().getParent()).toString().contains("OTHERS"));
        }
    }

    @Test
    void policyMatchesUidsAndGroups() {
        AccessPolicy p = new AccessPolicy(Set.of(1000), Set.of(2000));
        assertTrue(p.allows(1000, new int[0]));
        assertTrue(p.allows(1001, new int[] {5, 2000}));
        assertFalse(p.allows(1001, new int[] {5, 6}));
    }
}
