package org.alpenstack.kernel.ip;

import java.util.ArrayList;
import java.util.List;

/**
 * A small open-addressing hash map from {@code int} keys (IPv4 addresses, ports, ICMP ids) to
 * objects, so per-packet lookups neither box keys nor allocate. Linear probing with
 * backward-shift deletion (no tombstones); not thread-safe, like everything in core-kernel.
 */
public final class IntMap<V> {
    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public IntMap() {
        this(16);
    }

    public IntMap(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(4, initialCapacity - 1)) << 1;
        keys = new int[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    public V get(int key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Associates {@code value} (not null) with {@code key}; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(int key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 4 > keys.length * 3) {
            grow();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public V remove(int key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                shiftBack(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    /** The values, copied (for iteration that may modify the map, and for snapshots). */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        ArrayList<V> out = new ArrayList<>(size);
        for (Object v : values) {
            if (v != null) {
                out.add((V) v);
            }
        }
        return out;
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** Knuth's algorithm R: move later entries of the probe run into the hole. */
    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            values[hole] = null;
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                if (values[j] == null) {
                    return;
                }
                int home = slot(keys[j]);
                // Leave j alone if its home lies cyclically in (hole, j].
                boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
                if (!stays) {
                    break;
                }
            }
            keys[hole] = keys[j];
            values[hole] = values[j];
            hole = j;
            i = j;
        }
    }

    private void grow() {
        int[] ok = keys;
        Object[] ov = values;
        keys = new int[ok.length * 2];
        values = new Object[ov.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ov[i] != null) {
                @SuppressWarnings("unchecked")
                V v = (V) ov[i];
                put(ok[i], v);
            }
        }
    }
}
