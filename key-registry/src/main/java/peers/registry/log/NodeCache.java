package peers.registry.log;

import java.util.concurrent.ConcurrentHashMap;
import peers.registry.log.merkle.NodeId;

/**
 * A cache of committed tree nodes, shared by all request threads without locking. Safe because a
 * perfect-subtree node never changes once committed; only nodes read back from the database are
 * cached, never ones computed inside a transaction that might still roll back. When full it is
 * emptied and refills from the hot nodes (the upper levels every proof shares).
 */
final class NodeCache {

    private final ConcurrentHashMap<Long, byte[]> map;
    private final int capacity;

    NodeCache(int capacity) {
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    /** Keys put the index in the low bits: hash tables spread on low bits, and the level varies little. */
    private static long key(NodeId n) {
        return (long) n.level() << 57 | n.index();
    }

    byte[] get(NodeId n) {
        return map.get(key(n));
    }

    void put(NodeId n, byte[] hash) {
        if (map.size() >= capacity) {
            map.clear();
        }
        map.put(key(n), hash);
    }
}
