package org.alpenstack.kernel.tcp;

import java.util.function.Consumer;

/**
 * The demultiplexing table of TCP: a connection's 4-tuple, packed into two longs, maps to its
 * control block. Open addressing with linear probing and backward-shift deletion, so a lookup
 * allocates nothing and touches one or two cache lines (Linux's ehash plays this role).
 *
 * <p>Key packing: {@code hi = localAddress << 32 | remoteAddress} and
 * {@code lo = localPort << 16 | remotePort}. A listener table uses the same class with
 * {@code remoteAddress = remotePort = 0}.
 */
public final class ConnectionTable<V> {
    private static final int MIN_CAPACITY = 16;

    private long[] his;
    private long[] los;
    private Object[] values;
    private int size;
    private int mask;

    public ConnectionTable() {
        this(MIN_CAPACITY);
    }

    public ConnectionTable(int expected) {
        int cap = MIN_CAPACITY;
        while (cap < expected * 2) {
            cap <<= 1;
        }
        allocate(cap);
    }

    public static long hi(int localAddress, int remoteAddress) {
        return ((long) localAddress << 32) | (remoteAddress & 0xffffffffL);
    }

    public static long lo(int localPort, int remotePort) {
        return ((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff);
    }

    public int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    public V get(long hi, long lo) {
        int i = slot(hi, lo);
        while (true) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (his[i] == hi && los[i] == lo) {
                return (V) v;
            }
            i = (i + 1) & mask;
        }
    }

    public V get(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return get(hi(localAddress, remoteAddress), lo(localPort, remotePort));
    }

    /** Inserts or replaces; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(long hi, long lo, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        int i = slot(hi, lo);
        while (values[i] != null) {
            if (his[i] == hi && los[i] == lo) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        values[i] = value;
        size++;
        return null;
    }

    /** Removes the mapping if it maps to {@code expected} (or to anything when expected is null). */
    @SuppressWarnings("unchecked")
    public V remove(long hi, long lo, V expected) {
        int i = slot(hi, lo);
        while (values[i] != null) {
            if (his[i] == hi && los[i] == lo) {
                V old = (V) values[i];
                if (expected != null && old != expected) {
                    return null;
                }
                deleteAt(i);
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Calls {@code action} for every value; the action must not modify the table. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<V> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    /** A snapshot of the values, for iteration that may modify the table. */
    public java.util.List<V> values() {
        java.util.ArrayList<V> out = new java.util.ArrayList<>(size);
        forEach(out::add);
        return out;
    }

    /** Knuth's backward-shift deletion keeps probe sequences intact without tombstones. */
    private void deleteAt(int i) {
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) {
                break;
            }
            int home = slot(his[j], los[j]);
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean homeBetween = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!homeBetween) {
                his[hole] = his[j];
                los[hole] = los[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        his[hole] = 0;
        los[hole] = 0;
        size--;
    }

    private int slot(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) h & mask;
    }

    private void allocate(int cap) {
        his = new long[cap];
        los = new long[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    private void grow() {
        long[] oh = his;
        long[] ol = los;
        Object[] ov = values;
        allocate(ov.length * 2);
        size = 0;
        for (int i = 0; i < ov.length; i++) {
            if (ov[i] != null) {
                insertFresh(oh[i], ol[i], ov[i]);
            }
        }
    }

    private void insertFresh(long hi, long lo, Object v) {
        int i = slot(hi, lo);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        values[i] = v;
        size++;
    }
}
