package org.alpenstack.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Field names in problem details, and the name rule that keeps paths out of the state dir. */
class ProblemsTest {
    @Test
    void jsonPointersBecomeFieldNames() {
        assertEquals("body.addresses[1]", Problems.fieldName("body", "#/addresses/1"));
        assertEquals("body.transmit.lossRate", Problems.fieldName("body", "/transmit/lossRate"));
        assertEquals("body", Problems.fieldName("body", "#"));
        assertEquals("body.a/b", Problems.fieldName("body", "/a~1b"));
    }

    @Test
    void namesCannotCarryPathTricks() {
        assertTrue(Names.valid("blue"));
        assertTrue(Names.valid("a-1"));
        for (String bad : new String[] {"..", "../x", "a/b", ".hidden", "Blue", "-x", "a\u0000b", "", "x".repeat(33), "a b"}) {
            assertFalse(Names.valid(bad), bad);
        }
    }

    @Test
    void prometheusLabelValuesAreEscaped() {
        assertEquals("a\\\"b\\\\c\\n", PrometheusText.escape("a\"b\\c\n"));
    }
}
