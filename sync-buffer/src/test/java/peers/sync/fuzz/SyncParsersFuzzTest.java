package peers.sync.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import peers.common.problems.ProblemException;
import peers.sync.SyncConfig;
import peers.sync.api.Dtos;
import peers.sync.records.Batches;
import peers.sync.records.NewRecord;
import peers.sync.streams.StreamService;
import peers.sync.tail.TailFrames;

/**
 * Coverage-guided fuzzing of what sync-buffer reads from the internet itself: the live tail's WebSocket
 * frames ({@link TailFrames}) and the append batch body (JSON into {@link Dtos.AppendRequest}, then
 * {@link Batches#check}). Signatures, base64url and peer keys are common's and fuzzed there. The only
 * documented outcomes: a frame is always some {@link TailFrames.Frame} (never an exception), and a batch
 * body is refused as JSON ({@link JsonProcessingException} or, for bytes that are no text in the encoding
 * Jackson detects, {@link CharConversionException}: both 400) or with a {@link ProblemException}, or
 * yields a batch that keeps every bound. Plain {@code verify} replays the committed corpus under
 * {@code src/test/resources/peers/sync/fuzz/SyncParsersFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SyncParsersFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The defaults of application.properties / {@link SyncConfig}, with small bounds so that they are reached. */
    private static final SyncConfig CONFIG = new SyncConfig() {
        public int maxRecordBytes() {
            return 64;
        }

        public int maxBatchRecords() {
            return 8;
        }

        public int maxBatchBytes() {
            return 256;
        }

        public int maxPageSize() {
            return 500;
        }

        public int maxMembers() {
            return 1000;
        }

        public int maxWrappedKeyBytes() {
            return 4096;
        }

        public Free free() {
            return new Free() {
                public int retentionDays() {
                    return 14;
                }

                public long bytes() {
                    return 1 << 28;
                }

                public long records() {
                    return 1_000_000;
                }
            };
        }

        public int maxRetentionDays() {
            return 60;
        }

        public Duration maintenanceInterval() {
            return Duration.ofHours(1);
        }

        public Duration maxClockDrift() {
            return Duration.ofHours(1);
        }

        public Duration usageInterval() {
            return Duration.ofHours(1);
        }
    };

    @FuzzTest(maxDuration = "30s")
    void tailFrame(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        TailFrames.Frame f = TailFrames.parse(JSON, text);
        assertNotNull(f);
        switch (f) {
            case TailFrames.Subscribe s -> {
                assertTrue(s.after() >= 0, "a subscription's cursor is >= 0");
                StreamService.checkId(s.stream()); // a subscription names a well-formed stream id
            }
            case TailFrames.Invalid i -> {
                assertNotNull(i.code());
                assertNotNull(i.message());
                assertNotNull(i.stream());
            }
            case TailFrames.Unsubscribe u -> assertNotNull(u.stream());
            case TailFrames.Unknown u -> assertFalse(List.of("auth", "subscribe", "unsubscribe").contains(u.type()));
            case TailFrames.Auth a -> { }
            case TailFrames.Malformed m -> { }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void appendBatch(byte[] body) {
        Dtos.AppendRequest request;
        try {
            request = JSON.readValue(body, Dtos.AppendRequest.class);
        } catch (JsonProcessingException refused) {
            return; // 400 not valid JSON / not this shape
        } catch (CharConversionException refused) {
            return; // 400 not text in the encoding Jackson detected (common ProblemMappers#encoding)
        } catch (IOException e) {
            throw new AssertionError("reading a byte array fails only as JSON", e);
        }
        if (request == null) {
            return; // a JSON null body: refused by @NotNull (400)
        }
        List<Batches.Raw> raw = request.records() == null ? null
                : request.records().stream().map(r -> r == null ? null : new Batches.Raw(r.id(), r.ciphertext())).toList();
        List<NewRecord> batch;
        try {
            batch = Batches.check(CONFIG, raw);
        } catch (ProblemException refused) {
            assertTrue(refused.type().status() >= 400 && refused.type().status() < 500, "a refusal is a 4xx: " + refused.type());
            return;
        }
        assertEquals(raw.size(), batch.size());
        assertTrue(batch.size() >= 1 && batch.size() <= CONFIG.maxBatchRecords());
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (NewRecord n : batch) {
            assertTrue(Batches.RECORD_ID.matcher(n.id()).matches(), n.id());
            assertTrue(ids.add(n.id()), "ids are unique");
            assertTrue(n.ciphertext().length >= 1 && n.ciphertext().length <= CONFIG.maxRecordBytes());
            total += n.ciphertext().length;
        }
        assertTrue(total <= CONFIG.maxBatchBytes());
    }
}
