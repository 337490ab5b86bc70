package org.alpenstack.tenant.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * A MAC for an instance that has none configured: derived from the instance name with SHA-256,
 * so it is the same after every restart (peers' ARP caches stay valid), with the locally
 * administered bit set and the group bit clear (IEEE 802, clause 8.2), so it cannot collide with
 * a vendor-assigned address.
 */
public final class StableMac {
    private StableMac() {
    }

    public static MacAddress forName(String name) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("alpenstack-instance:" + name).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        bits = (bits & ~(0x01L << 40)) | (0x02L << 40);
        return new MacAddress(bits);
    }
}
