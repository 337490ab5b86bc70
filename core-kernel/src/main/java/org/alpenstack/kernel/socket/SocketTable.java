package org.alpenstack.kernel.socket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

/** All open sockets of one stack by id (what a snapshot lists, what the shim names). */
public final class SocketTable {
    private final LinkedHashMap<Integer, StackSocket> sockets = new LinkedHashMap<>();
    private int nextId = 1;

    /** A fresh socket id; ids are never reused within a stack's lifetime. */
    public int newId() {
        return nextId++;
    }

    public void add(StackSocket s) {
        sockets.put(s.id(), s);
    }

    public void remove(StackSocket s) {
        sockets.remove(s.id(), s);
    }

    public StackSocket get(int id) {
        return sockets.get(id);
    }

    public Collection<StackSocket> all() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    public List<StackSocket> copy() {
        return new ArrayList<>(sockets.values());
    }

    public int size() {
        return sockets.size();
    }
}
