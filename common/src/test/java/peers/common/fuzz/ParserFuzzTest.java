package peers.common.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestView;
import peers.common.signatures.SignatureInput;
import peers.common.signatures.SignatureVerifier;
import peers.common.ws.WsAuth;

/**
 * Coverage-guided fuzzing of the parsers that face the internet. Every input must either parse or be
 * refused with the documented exception; anything else (a crash, an unexpected exception type) is a
 * bug. Plain `./mvnw verify` replays the seeds and the committed corpus; `JAZZER_FUZZ=1` fuzzes.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void signatureFields(FuzzedDataProvider data) {
        String input = data.consumeString(600);
        String signature = data.consumeRemainingAsString();
        try {
            SignatureInput.parse(input, signature);
        } catch (ProblemException refused) {
            // the documented outcome for bad input
        }
    }

    @FuzzTest(maxDuration = "30s")
    void wholeVerification(FuzzedDataProvider data) {
        String input = data.consumeString(600);
        String signature = data.consumeString(200);
        String digest = data.consumeString(200);
        byte[] body = data.consumeRemainingAsBytes();
        RequestView r = new RequestView() {
            public String method() {
                return "POST";
            }

            public String scheme() {
                return "http";
            }

            public String authority() {
                return "h";
            }

            public String path() {
                return "/p";
            }

            public String query() {
                return null;
            }

            public List<String> header(String name) {
                return switch (name) {
                    case "signature-input" -> List.of(input);
                    case "signature" -> List.of(signature);
                    case "content-digest" -> List.of(digest);
                    default -> List.of();
                };
            }
        };
        try {
            new SignatureVerifier(Duration.ofSeconds(300)).verify(r, body, Instant.ofEpochSecond(1_700_000_000L));
        } catch (ProblemException refused) {
            // expected for almost every input
        }
    }

    @FuzzTest(maxDuration = "20s")
    void contentDigest(FuzzedDataProvider data) {
        String field = data.consumeString(300);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            ContentDigest.verify(field, body);
        } catch (ProblemException refused) {
            // bad or mismatching digest
        }
    }

    @FuzzTest(maxDuration = "20s")
    void peerKeysAndBase64(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            PeerKey.parse(text);
        } catch (PeerKey.InvalidKeyText refused) {
            // not a key
        }
        try {
            Base64Url.decode(text, "field");
        } catch (PeerKey.InvalidKeyText refused) {
            // not base64url
        }
    }

    @FuzzTest(maxDuration = "20s")
    void socketAuthAnswers(FuzzedDataProvider data) {
        try {
            WsAuth.verify(data.consumeString(100), data.consumeString(100), data.consumeString(100), data.consumeRemainingAsString());
        } catch (ProblemException refused) {
            // not a valid answer
        }
    }

}
