package peers.backup.storage;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.Signer;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.minio.messages.Part;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jboss.logging.Logger;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.common.problems.ProblemException;

/**
 * The S3 bucket of every repository. Metadata operations, presigning and multipart bookkeeping go through
 * the MinIO SDK; the restic path streams bodies with a Vert.x HTTP client instead (signed by the SDK's
 * {@link Signer} with an unsigned payload and the blob's SHA-256 in {@code x-amz-checksum-sha256}), so a
 * blob is piped from the client to S3 with back-pressure, never held whole in memory, and S3 itself
 * refuses bytes that do not hash to the blob's name.
 *
 * <p>Every failure to reach S3 becomes a 503 {@code storage-unavailable} problem.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    /** What S3 says about a stored object. */
    public record Stat(long size, String sha256Base64, String etag) {
    }

    /** A part of a multipart upload as S3 holds it. */
    public record PartInfo(int number, String etag, long size) {
    }

    private final S3Config s3;
    private final BackupConfig config;
    private final MinioAsyncClient client;
    /** Presigns for the endpoint clients reach (presigning is local: no request goes to it). */
    private final MinioAsyncClient presigner;
    private final HttpClient http;
    private final URI endpoint;
    private volatile boolean bucketReady;

    public ObjectStore(S3Config s3, BackupConfig config, Vertx vertx) {
        this.s3 = s3;
        this.config = config;
        this.endpoint = URI.create(s3.endpoint());
        MinioAsyncClient.Builder b = MinioAsyncClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey()).region(s3.region());
        this.client = b.build();
        this.presigner = s3.publicEndpoint().filter(e -> !e.isBlank())
                .map(e -> MinioAsyncClient.builder().endpoint(e).credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build())
                .orElse(client);
        if (!s3.pathStyle()) {
            client.enableVirtualStyleEndpoint();
            presigner.enableVirtualStyleEndpoint();
        }
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000).setIdleTimeout(60)
                .setSsl("https".equals(endpoint.getScheme())), new PoolOptions().setHttp1MaxSize(64));
    }

    void start(@Observes StartupEvent ev) {
        ensureBucket();
    }

    /** Creates the bucket when missing; retried until it worked (S3 may come up after this service). */
    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void ensureBucket() {
        if (bucketReady) {
            return;
        }
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build()).get(10, java.util.concurrent.TimeUnit.SECONDS)) {
                client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).region(s3.region()).build()).get(10, java.util.concurrent.TimeUnit.SECONDS);
                LOG.infof("created bucket %s", config.bucket());
            }
            bucketReady = true;
        } catch (Exception e) {
            LOG.warnf("bucket %s not ready yet (%s); retrying in 30 s", config.bucket(), rootMessage(e));
        }
    }

    // ---- streaming (restic) ----

    /**
     * Streams {@code body} ({@code length} bytes) to {@code key}. With {@code sha256} given, S3 verifies the
     * bytes against it and refuses a mismatch (400 BadDigest): then the failure is {@code blob-mismatch} and
     * nothing is stored.
     */
    public Future<Void> putStream(String key, ReadStream<Buffer> body, long length, byte[] sha256) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (sha256 != null) {
            extra.put("x-amz-checksum-sha256", Base64.getEncoder().encodeToString(sha256));
        }
        RequestOptions options;
        try {
            options = signed(HttpMethod.PUT, key, extra);
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        options.putHeader("Content-Length", Long.toString(length));
        return http.request(options)
                .compose(req -> req.send(body))
                .recover(e -> Future.failedFuture(unavailable(e)))
                .compose(resp -> resp.body().compose(b -> {
                    int status = resp.statusCode();
                    if (status / 100 == 2) {
                        return Future.succeededFuture();
                    }
                    String text = b.toString();
                    if (status == 400 && (text.contains("BadDigest") || text.contains("XAmzContentSHA256Mismatch") || text.contains("InvalidDigest"))) {
                        return Future.failedFuture(new ProblemException(BackupProblems.BLOB_MISMATCH,
                                "the uploaded bytes do not hash to the blob's name; nothing was stored"));
                    }
                    return Future.failedFuture(s3Error(status, text));
                }));
    }

    /** Opens {@code key} for reading, with an optional {@code Range} header; the caller pipes the response. */
    public Future<HttpClientResponse> get(String key, String range) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (range != null) {
            extra.put("Range", range);
        }
        RequestOptions options;
        try {
            options = signed(HttpMethod.GET, key, extra);
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        return http.request(options).compose(req -> req.send()).recover(e -> Future.failedFuture(unavailable(e)));
    }

    private RequestOptions signed(HttpMethod method, String key, Map<String, String> extra) throws GeneralSecurityException {
        String url = objectUrl(key);
        HttpUrl parsed = HttpUrl.get(url);
        String host = parsed.host() + (parsed.port() == HttpUrl.defaultPort(parsed.scheme()) ? "" : ":" + parsed.port());
        Request.Builder rb = new Request.Builder().url(parsed)
                .header("Host", host)
                .header("x-amz-date", ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE))
                .header("x-amz-content-sha256", UNSIGNED_PAYLOAD);
        extra.forEach(rb::header);
        rb.method(method.name(), method == HttpMethod.PUT ? RequestBody.create(new byte[0]) : null);
        Request signed = Signer.signV4S3(rb.build(), s3.region(), s3.accessKey(), s3.secretKey(), UNSIGNED_PAYLOAD);
        RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(url);
        for (String name : signed.headers().names()) {
            o.putHeader(name, signed.header(name));
        }
        return o;
    }

    private String objectUrl(String key) {
        String base = endpoint.toString().replaceAll("/+$", "");
        if (s3.pathStyle()) {
            return base + "/" + config.bucket() + "/" + key;
        }
        return endpoint.getScheme() + "://" + config.bucket() + "." + endpoint.getAuthority() + "/" + key;
    }

    // ---- metadata, presigning, multipart (MinIO SDK) ----

    /** Size and (when S3 has one) SHA-256 checksum of {@code key}; null when absent. */
    public Uni<Stat> stat(String key) {
        return async(() -> client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key)
                .extraHeaders(Map.of("x-amz-checksum-mode", "ENABLED")).build()))
                .map(r -> new Stat(r.size(), checksum(r), r.etag()))
                .onFailure(ObjectStore::isNotFound).recoverWithNull();
    }

    private static String checksum(StatObjectResponse r) {
        String c = r.headers().get("x-amz-checksum-sha256");
        return c == null || c.isBlank() ? null : c;
    }

    /** SHA-256 of the stored object, computed by reading it (on a worker thread). */
    public Uni<byte[]> sha256Of(String key) {
        return async(() -> client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build()))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(in -> {
                    try (InputStream s = in) {
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        byte[] buf = new byte[64 * 1024];
                        int n;
                        while ((n = s.read(buf)) > 0) {
                            md.update(buf, 0, n);
                        }
                        return md.digest();
                    } catch (IOException e) {
                        throw unavailable(e);
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    public String presignPut(String key, Duration expiry) {
        return presign(Method.PUT, key, expiry, Map.of());
    }

    public String presignGet(String key, Duration expiry) {
        return presign(Method.GET, key, expiry, Map.of());
    }

    public String presignPart(String key, String uploadId, int part, Duration expiry) {
        return presign(Method.PUT, key, expiry, Map.of("uploadId", uploadId, "partNumber", Integer.toString(part)));
    }

    private String presign(Method method, String key, Duration expiry, Map<String, String> query) {
        try {
            return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(method).bucket(config.bucket()).object(key)
                    .region(s3.region()).expiry((int) Math.max(1, expiry.toSeconds())).extraQueryParams(query).build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot presign", e);
        }
    }

    public Uni<String> createMultipart(String key) {
        return async(() -> client.createMultipartUploadAsync(config.bucket(), s3.region(), key, null, null)).map(r -> r.result().uploadId());
    }

    public Uni<List<PartInfo>> listParts(String key, String uploadId) {
        return async(() -> client.listPartsAsync(config.bucket(), s3.region(), key, 10000, null, uploadId, null, null))
                .map(r -> r.result().partList().stream().map(p -> new PartInfo(p.partNumber(), p.etag(), p.partSize())).toList());
    }

    public Uni<Void> completeMultipart(String key, String uploadId, List<PartInfo> parts) {
        Part[] ps = parts.stream().map(p -> new Part(p.number(), p.etag())).toArray(Part[]::new);
        return async(() -> client.completeMultipartUploadAsync(config.bucket(), s3.region(), key, uploadId, ps, null, null)).replaceWithVoid();
    }

    public Uni<Void> abortMultipart(String key, String uploadId) {
        return async(() -> client.abortMultipartUploadAsync(config.bucket(), s3.region(), key, uploadId, null, null)).replaceWithVoid()
                .onFailure(ObjectStore::isNotFound).recoverWithNull();
    }

    /**
     * Copies {@code from} to {@code to} inside the bucket (server-side: no bytes pass through this service),
     * only if {@code from} still has {@code etag}: what was verified is what gets copied.
     */
    public Uni<Void> copy(String from, String etag, String to) {
        return async(() -> client.composeObject(io.minio.ComposeObjectArgs.builder().bucket(config.bucket()).object(to)
                .sources(List.of(io.minio.ComposeSource.builder().bucket(config.bucket()).object(from).matchETag(etag).build())).build()))
                .replaceWithVoid();
    }

    /** Whether the bucket answers (a cheap probe before changes that must not be half done). */
    public Uni<Void> probe() {
        return async(() -> client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())).replaceWithVoid();
    }

    /** Every key under {@code prefix} with its size and last-modified time (on a worker thread). */
    public Uni<List<Item>> list(String prefix) {
        return blocking(() -> {
            List<Item> out = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(config.bucket()).prefix(prefix).recursive(true).build())) {
                out.add(r.get());
            }
            return out;
        });
    }

    /** Deletes {@code keys} (missing ones are fine), in batches of 1000 (on a worker thread). */
    public Uni<Void> remove(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return blocking(() -> {
            for (int i = 0; i < keys.size(); i += 1000) {
                List<DeleteObject> batch = keys.subList(i, Math.min(keys.size(), i + 1000)).stream().map(DeleteObject::new).toList();
                for (Result<DeleteError> r : client.removeObjects(RemoveObjectsArgs.builder().bucket(config.bucket()).objects(batch).build())) {
                    DeleteError e = r.get();
                    if (!"NoSuchKey".equals(e.code())) {
                        throw new IOException("S3 refused to delete " + e.objectName() + ": " + e.code());
                    }
                }
            }
            return null;
        }).replaceWithVoid();
    }

    /** Deletes everything under {@code prefix}. */
    public Uni<Void> removePrefix(String prefix) {
        return list(prefix).chain(items -> remove(items.stream().map(Item::objectName).toList()));
    }

    // ---- error mapping ----

    @FunctionalInterface
    interface Call<T> {
        CompletableFuture<T> start() throws Exception;
    }

    @FunctionalInterface
    interface BlockingCall<T> {
        T run() throws Exception;
    }

    private static <T> Uni<T> async(Call<T> call) {
        return Uni.createFrom().<T>deferred(() -> {
            try {
                return Uni.createFrom().completionStage(call.start());
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
        }).onFailure().transform(ObjectStore::translate);
    }

    private static <T> Uni<T> blocking(BlockingCall<T> call) {
        Supplier<T> s = () -> {
            try {
                return call.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        };
        return Uni.createFrom().item(s).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).onFailure().transform(ObjectStore::translate);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static boolean isNotFound(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof ErrorResponseException er) {
            String code = er.errorResponse().code();
            return er.response() != null && er.response().code() == 404 || "NoSuchKey".equals(code) || "NoSuchUpload".equals(code);
        }
        return t instanceof ProblemException p && p.type().status() == 404;
    }

    private static Throwable translate(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof ProblemException || isNotFound(t)) {
            return t;
        }
        if (t instanceof ErrorResponseException er) {
            return s3Error(er.response() == null ? 500 : er.response().code(), er.errorResponse().code());
        }
        return unavailable(t);
    }

    /** A failure to talk to S3 at all: 503 (logged once, briefly). */
    static ProblemException unavailable(Throwable e) {
        if (e instanceof ProblemException p) {
            return p;
        }
        LOG.warnf("object store unreachable: %s", rootMessage(e));
        return BackupProblems.storageUnavailable();
    }

    private static ProblemException s3Error(int status, String text) {
        LOG.warnf("object store answered %d: %s", status, text.length() > 300 ? text.substring(0, 300) : text);
        return BackupProblems.storageUnavailable();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    static Multimap<String, String> none() {
        return HashMultimap.create();
    }
}
