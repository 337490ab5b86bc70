package org.alpenstack.admin.api;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gathers a view of every named instance for a list operation. An instance deleted while the
 * list is being gathered is left out rather than failing the whole list: a list is a snapshot,
 * and a name that vanished in between simply was not there at the moment it was asked.
 */
public final class EachInstance {

    private EachInstance() {
    }

    public static <T> Future<List<T>> gather(Iterable<String> names, Function<String, Future<T>> get) {
        List<Future<T>> fs = new ArrayList<>();
        for (String n : names) {
            fs.add(get.apply(n).otherwise((T) null));
        }
        return Future.all(fs).map(cf -> {
            List<T> out = new ArrayList<>();
            for (int k = 0; k < fs.size(); k++) {
                T v = cf.resultAt(k);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        });
    }
}
