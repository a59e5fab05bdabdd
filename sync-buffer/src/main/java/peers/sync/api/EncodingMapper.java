package peers.sync.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.CharConversionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.common.problems.Problems;

/**
 * A JSON body whose bytes are no text of the encoding Jackson detects from its first bytes (it guesses UTF-32
 * or UTF-16 from zero bytes, and checks UTF-8 sequences) fails with {@link CharConversionException}, an
 * {@code IOException} rather than a {@code JsonProcessingException}, which common's mappers answered with
 * 500. It is a malformed request (400). Found by {@code SyncParsersFuzzTest#appendBatch}.
 */
public class EncodingMapper {

    @ServerExceptionMapper(priority = 1)
    public Response encoding(CharConversionException e, UriInfo uri) {
        return Problems.response(new ProblemException(ProblemType.MALFORMED_REQUEST, "the body is not valid JSON text in UTF-8: " + e.getMessage()),
                uri.getPath());
    }
}
