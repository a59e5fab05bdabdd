package peers.registry.log;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An LRU cache of committed tree nodes. Safe because a perfect-subtree node never changes once
 * committed; only nodes read back from the database are cached, never ones computed inside a
 * transaction that might still roll back.
 */
final class NodeCache {

    private final Map<Long, byte[]> map;

    NodeCache(int capacity) {
        this.map = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized byte[] get(long id) {
        return map.get(id);
    }

    synchronized void put(long id, byte[] hash) {
        map.put(id, hash);
    }
}
