package peers.auth.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.CharConversionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.common.problems.Problems;

/**
 * A JSON body whose bytes are no text in the encoding Jackson detects (e.g. four leading zero bytes make
 * it read UTF-32, then a code point above U+10FFFF follows) fails with a {@link CharConversionException},
 * which is no {@code JsonProcessingException}: common's mappers answered it with a 500. It is a malformed
 * request (found by {@code WebAuthnJsonFuzzTest}; {@code BadInputTest#bodiesInNoValidEncodingAreMalformed}).
 */
public class EncodingProblemMapper {

    @ServerExceptionMapper
    public Response badEncoding(CharConversionException e, UriInfo uri) {
        return Problems.response(new ProblemException(ProblemType.MALFORMED_REQUEST,
                "the body is not valid JSON text (send UTF-8): " + e.getMessage()), uri.getPath());
    }
}
