package peers.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/**
 * Seeded generation of values from an OpenAPI 3.1 schema: valid-shaped values (types, enums, examples, bounds,
 * and the shapes the field names promise: peer keys, base64url, SHA-256 hex, dates) and broken ones (wrong
 * types, missing required fields, huge strings, bad base64, nulls, unknown fields, deep nesting).
 */
final class RequestGenerator {

    /** ISO 4217 code for transactions without a currency: well-formed, and refused by every billing operation. */
    private static final String NO_CURRENCY = "XXX";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final JsonNode components;
    private final Random random;

    RequestGenerator(JsonNode openApi, Random random) {
        this.components = openApi.path("components").path("schemas");
        this.random = random;
    }

    JsonNode resolve(JsonNode schema) {
        int guard = 0;
        while (schema != null && schema.has("$ref") && guard++ < 10) {
            String ref = schema.get("$ref").asText();
            schema = components.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        if (schema != null && schema.has("allOf") && schema.get("allOf").size() == 1) {
            return resolve(schema.get("allOf").get(0));
        }
        return schema;
    }

    /** A valid-shaped value of {@code schema} for a field named {@code name}. */
    JsonNode valid(JsonNode schema, String name, int depth) {
        schema = resolve(schema);
        if (schema == null || schema.isMissingNode()) {
            return F.textNode(word(8));
        }
        if (schema.has("examples") && schema.get("examples").size() > 0 && random.nextInt(3) == 0) {
            return schema.get("examples").get(random.nextInt(schema.get("examples").size()));
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        String type = type(schema);
        switch (type) {
            case "object" -> {
                ObjectNode o = F.objectNode();
                if (depth > 4) {
                    return o;
                }
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext();) {
                    String p = it.next();
                    if (required.contains(p) || random.nextBoolean()) {
                        o.set(p, valid(schema.get("properties").get(p), p, depth + 1));
                    }
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = F.arrayNode();
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n && depth <= 4; i++) {
                    a.add(valid(schema.get("items"), singular(name), depth + 1));
                }
                return a;
            }
            case "integer", "number" -> {
                long min = schema.has("minimum") ? schema.get("minimum").asLong() : 0;
                long max = schema.has("maximum") ? schema.get("maximum").asLong() : min + 1000;
                return F.numberNode(min + (long) (random.nextDouble() * Math.max(1, Math.min(max - min, 1_000_000))));
            }
            case "boolean" -> {
                return F.booleanNode(random.nextBoolean());
            }
            default -> {
                return F.textNode(shapedString(schema, name));
            }
        }
    }

    /** A string shaped as its name or format says. */
    String shapedString(JsonNode schema, String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        String format = schema == null ? "" : schema.path("format").asText("");
        if (format.equals("date-time") || n.endsWith("at")) {
            return "2026-11-21T12:00:00Z";
        }
        if (n.contains("sha256") || n.equals("name") && random.nextBoolean()) {
            return HexFormat.of().formatHex(bytes(32));
        }
        if (n.endsWith("key") && !n.contains("wrapped") || n.equals("peer") || n.equals("key") || n.equals("device")) {
            return TestPeer.create().id();
        }
        if (n.contains("wrap") || n.contains("cipher") || n.contains("nonce") || n.contains("proof") || n.contains("signature")
                || n.contains("salt") || n.contains("lookup") || format.equals("byte") || n.contains("certificate")) {
            return Base64Url.encode(bytes(12 + random.nextInt(48)));
        }
        if (n.contains("currency")) {
            // a currency the plans use, or ISO 4217's well-formed "no currency" code, which no plan is priced in
            return random.nextBoolean() ? "EUR" : NO_CURRENCY;
        }
        if (n.contains("plan")) {
            return List.of("free", "personal", "family").get(random.nextInt(3));
        }
        if (n.contains("month")) {
            return "2026-" + String.format("%02d", 1 + random.nextInt(12));
        }
        int max = schema != null && schema.has("maxLength") ? schema.get("maxLength").asInt() : 24;
        int min = schema != null && schema.has("minLength") ? schema.get("minLength").asInt() : 1;
        return word(Math.max(min, Math.min(max, 1 + random.nextInt(16))));
    }

    /** A broken variant of a valid body: one mutation, named for the report. */
    Mutated breakBody(JsonNode schema, JsonNode valid) {
        schema = resolve(schema);
        int kind = random.nextInt(10);
        JsonNode copy = valid.deepCopy();
        switch (kind) {
            case 0 -> {
                if (copy instanceof ObjectNode o && schema != null && schema.path("required").size() > 0) {
                    String r = schema.get("required").get(random.nextInt(schema.get("required").size())).asText();
                    o.remove(r);
                    return new Mutated("missing required " + r, copy.toString());
                }
                return new Mutated("empty object", "{}");
            }
            case 1 -> {
                String field = anyField(copy);
                if (field != null) {
                    ((ObjectNode) copy).set(field, wrongType(copy.get(field)));
                    return new Mutated("wrong type for " + field, copy.toString());
                }
                return new Mutated("array instead of object", "[1,2,3]");
            }
            case 2 -> {
                String field = anyField(copy);
                String huge = "A".repeat(200_000 + random.nextInt(100_000));
                if (field != null) {
                    ((ObjectNode) copy).put(field, huge);
                    return new Mutated("huge string in " + field, copy.toString());
                }
                return new Mutated("huge string", "\"" + huge + "\"");
            }
            case 3 -> {
                String field = anyField(copy);
                if (field != null) {
                    ((ObjectNode) copy).put(field, List.of("!!not base64!!", "a", "====", "\u0000\u0001", "é€𝄞", "../../etc/passwd",
                            "' OR 1=1 --", "%00", "AAAA+/==").get(random.nextInt(9)));
                    return new Mutated("bad encoding in " + field, copy.toString());
                }
                return new Mutated("bad base64", "\"!!\"");
            }
            case 4 -> {
                String text = copy.toString();
                return new Mutated("truncated JSON", text.substring(0, Math.max(1, text.length() / 2)));
            }
            case 5 -> {
                if (copy instanceof ObjectNode o) {
                    o.put("unexpected" + random.nextInt(100), "x");
                }
                return new Mutated("unknown field", copy.toString());
            }
            case 6 -> {
                String field = anyField(copy);
                if (field != null) {
                    ((ObjectNode) copy).putNull(field);
                    return new Mutated("null " + field, copy.toString());
                }
                return new Mutated("null body", "null");
            }
            case 7 -> {
                return new Mutated("deep nesting", "[".repeat(5000) + "]".repeat(5000));
            }
            case 8 -> {
                String field = anyField(copy);
                if (field != null) {
                    ((ObjectNode) copy).put(field, random.nextBoolean() ? Long.MAX_VALUE : -1);
                    return new Mutated("extreme number in " + field, copy.toString());
                }
                return new Mutated("number body", "1e999999");
            }
            default -> {
                return new Mutated("not JSON", List.of("", "x", "{", "{\"a\":}", "\uFEFF{}", "{'a':1}", "<xml/>").get(random.nextInt(7)));
            }
        }
    }

    record Mutated(String what, String body) {
    }

    /** A broken path or query parameter value. */
    String brokenParam() {
        return List.of("%00", "..", "%2e%2e%2f", "-1", "99999999999999999999999", "A".repeat(2000), "%F0%9F%98%80", "%25ZZ",
                "a%20b", "null", "0", "%27%3B--", "Zm9v!", "ab%2Fcd").get(random.nextInt(14));
    }

    private JsonNode wrongType(JsonNode value) {
        if (value == null || value.isTextual()) {
            return random.nextBoolean() ? F.numberNode(12345) : F.arrayNode().add("x");
        }
        if (value.isNumber()) {
            return random.nextBoolean() ? F.textNode("twelve") : F.numberNode(1.5e300);
        }
        if (value.isArray()) {
            return F.textNode("not-an-array");
        }
        if (value.isObject()) {
            return F.numberNode(7);
        }
        return F.textNode("true?");
    }

    private String anyField(JsonNode node) {
        if (!(node instanceof ObjectNode o) || o.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names.get(random.nextInt(names.size()));
    }

    private static String type(JsonNode schema) {
        JsonNode t = schema.get("type");
        if (t == null) {
            return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
        }
        if (t.isArray()) {
            for (JsonNode each : t) {
                if (!each.asText().equals("null")) {
                    return each.asText();
                }
            }
        }
        return t.asText();
    }

    private static String singular(String name) {
        return name != null && name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
    }

    String word(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(i == 0 ? 26 : alphabet.length())));
        }
        return b.toString();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    Random random() {
        return random;
    }
}
