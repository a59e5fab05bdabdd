package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** Every service in values.yaml has a JVM Dockerfile in its module that runs it as the chart expects. */
class ImagesTest {

    @Test
    void everyServiceHasADockerfileThatRunsAsTheChartsUser() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(Chart.DIR.resolve("values.yaml").toFile());
        long uid = values.path("defaults").path("containerSecurityContext").path("runAsUser").asLong();
        Path repo = Chart.DIR.getParent().getParent();
        for (Iterator<String> it = values.path("services").fieldNames(); it.hasNext(); ) {
            String service = it.next();
            Path dockerfile = repo.resolve(service).resolve("src/main/docker/Dockerfile.jvm");
            assertTrue(Files.isRegularFile(dockerfile), "no " + repo.relativize(dockerfile));
            String text = Files.readString(dockerfile);
            assertTrue(text.lines().anyMatch(l -> l.strip().equals("USER " + uid)), dockerfile + " runs as uid " + uid);
            assertTrue(text.contains("target/quarkus-app/"), dockerfile + " copies the Quarkus fast-jar");
            assertTrue(text.contains("EXPOSE 8080 9000"), dockerfile + " exposes the HTTP and management ports");
        }
    }
}
