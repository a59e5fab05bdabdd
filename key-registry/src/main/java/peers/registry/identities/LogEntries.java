package peers.registry.identities;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The log entry written for every change: the identity's whole public state after the change, so
 * the newest entry alone proves what a lookup answers. Field order is fixed; clients hash the exact
 * entry text they receive, so no canonical JSON is needed.
 */
final class LogEntries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogEntries() {
    }

    static String entry(String op, Identity i, List<Device> devices, Long previousLeaf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("op", op);
        m.put("identity", i.firstKey);
        m.put("seq", i.entryCount);
        m.put("prev", previousLeaf);
        m.put("time", i.updatedAt.toString());
        m.put("identityKey", i.identityKey);
        m.put("handle", i.handle);
        m.put("encryptionKey", i.encryptionKey);
        m.put("discoverability", i.discoverability.name().toLowerCase(Locale.ROOT));
        m.put("status", i.status.name().toLowerCase(Locale.ROOT));
        m.put("devices", devices.stream().sorted(Comparator.comparing(d -> d.deviceKey))
                .map(d -> {
                    Map<String, Object> dm = new LinkedHashMap<>();
                    dm.put("key", d.deviceKey);
                    dm.put("expires", d.expiresAt.getEpochSecond());
                    dm.put("certificate", d.certificate);
                    return dm;
                }).toList());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
