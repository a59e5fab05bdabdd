package peers.backup.restic;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.backup.repos.Ids;
import peers.backup.repos.TokenService;
import peers.backup.restic.ResticRequests.Target;
import peers.backup.storage.ObjectStore;
import peers.common.limits.RateLimiter;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemMappers;
import peers.common.problems.ProblemType;
import peers.common.problems.Problems;

/**
 * restic's REST backend protocol (v1 and v2) under {@code /backup/restic/<repo>/}, on the same S3 bucket
 * as the native API. Authentication is HTTP Basic with a repository token ({@link TokenService}).
 *
 * <p>Blob bodies are piped from the client to S3 with back-pressure (never held whole in memory), with
 * {@code x-amz-checksum-sha256} set from the blob's name, so S3 refuses bytes that do not match it and
 * nothing is stored. Append-only tokens refuse every DELETE except of locks and never overwrite (restic
 * names are content hashes, so re-sending an existing blob is answered 200 without writing; the config,
 * the one file not named by its hash, cannot be replaced). Each owner's quota applies before a byte is
 * stored. A plain Vert.x route, not a JAX-RS resource: the body must stream, and restic speaks raw HTTP.
 */
@ApplicationScoped
public class ResticRoutes {

    public static final String PREFIX = ResticRequests.PREFIX;
    private static final Logger LOG = Logger.getLogger(ResticRoutes.class);
    private static final String V2 = "application/vnd.x.restic.rest.v2";

    private final TokenService tokens;
    private final ResticStore files;
    private final ObjectStore store;
    private final ResticMetrics metrics;
    private final RateLimiter limiter;
    private final BackupConfig config;

    public ResticRoutes(TokenService tokens, ResticStore files, ObjectStore store, ResticMetrics metrics, RateLimiter limiter, BackupConfig config) {
        this.tokens = tokens;
        this.files = files;
        this.store = store;
        this.metrics = metrics;
        this.limiter = limiter;
        this.config = config;
    }

    void install(@Observes Router router) {
        router.route(PREFIX + "*").order(-50).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        req.pause();
        String path = rc.normalizedPath();
        try {
            String[] credentials = ResticRequests.basic(req.getHeader("Authorization"));
            if (credentials == null) {
                throw ResticRequests.unauthorized();
            }
            Target target = ResticRequests.target(path);
            String repo = target.repo();
            tokens.authenticate(repo, credentials[0], credentials[1]).subscribe().with(grant -> {
                if (grant == null) {
                    fail(rc, ResticRequests.unauthorized());
                    return;
                }
                try {
                    // After authentication: strangers cannot use up a repository's allowance.
                    limiter.check("backup.restic", repo);
                    dispatch(rc, grant, target);
                } catch (RuntimeException e) {
                    fail(rc, e);
                }
            }, e -> fail(rc, e));
        } catch (RuntimeException e) {
            fail(rc, e);
        }
    }

    private void dispatch(RoutingContext rc, TokenService.Grant grant, Target t) {
        HttpMethod m = rc.request().method();
        if (t.kind() == null) {
            if (m == HttpMethod.POST && "true".equals(rc.request().getParam("create"))) {
                // The repository exists since its owner created it; restic's init only needs the 200.
                rc.request().resume();
                rc.response().setStatusCode(200).end();
                return;
            }
            throw new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "at the repository root only POST ?create=true is served");
        }
        if (t.name() == null) {
            if (m != HttpMethod.GET) {
                throw new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "a listing is read with GET");
            }
            list(rc, t);
            return;
        }
        if (m == HttpMethod.HEAD) {
            head(rc, t);
        } else if (m == HttpMethod.GET) {
            read(rc, t);
        } else if (m == HttpMethod.POST) {
            save(rc, grant, t);
        } else if (m == HttpMethod.DELETE) {
            delete(rc, grant, t);
        } else {
            throw new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "files accept HEAD, GET, POST and DELETE");
        }
    }

    private void list(RoutingContext rc, Target t) {
        boolean v2 = String.valueOf(rc.request().getHeader("Accept")).contains(V2);
        files.list(t.repo(), t.kind()).subscribe().with(entries -> {
            JsonArray out = new JsonArray();
            for (ResticStore.Entry e : entries) {
                out.add(v2 ? new JsonObject().put("name", e.name()).put("size", e.size()) : e.name());
            }
            rc.request().resume();
            rc.response().setStatusCode(200).putHeader("Content-Type", v2 ? V2 : "application/vnd.x.restic.rest.v1").end(out.encode());
        }, e -> fail(rc, e));
    }

    private void head(RoutingContext rc, Target t) {
        files.size(t.repo(), t.kind(), t.name()).subscribe().with(size -> {
            rc.request().resume();
            if (size == null) {
                rc.response().setStatusCode(404).end();
                return;
            }
            rc.response().setStatusCode(200).putHeader("Content-Length", Long.toString(size)).end();
        }, e -> fail(rc, e));
    }

    private void read(RoutingContext rc, Target t) {
        String range = ResticRequests.range(rc.request().getHeader("Range"));
        files.size(t.repo(), t.kind(), t.name()).subscribe().with(size -> {
            rc.request().resume();
            if (size == null) {
                fail(rc, new ProblemException(ProblemType.NOT_FOUND, "no " + t.kind() + " file " + t.name()));
                return;
            }
            store.get(t.key(), range).onComplete(ar -> {
                if (ar.failed()) {
                    fail(rc, ar.cause());
                    return;
                }
                var s3 = ar.result();
                HttpServerResponse resp = rc.response();
                if (s3.statusCode() == 404) {
                    s3.resume();
                    fail(rc, new ProblemException(ProblemType.NOT_FOUND, "no " + t.kind() + " file " + t.name()));
                    return;
                }
                if (s3.statusCode() == 416) {
                    s3.resume();
                    fail(rc, ResticRequests.notSatisfiable("the range is outside the file"));
                    return;
                }
                if (s3.statusCode() / 100 != 2) {
                    s3.resume();
                    fail(rc, BackupProblems.storageUnavailable());
                    return;
                }
                resp.setStatusCode(s3.statusCode()).putHeader("Content-Type", "application/octet-stream");
                String len = s3.getHeader("Content-Length");
                if (len != null) {
                    resp.putHeader("Content-Length", len);
                }
                if (s3.getHeader("Content-Range") != null) {
                    resp.putHeader("Content-Range", s3.getHeader("Content-Range"));
                }
                long bytes = len == null ? 0 : Long.parseLong(len);
                s3.pipeTo(resp).onSuccess(v -> metrics.count(t.repo(), "read", bytes))
                        .onFailure(e -> LOG.debugf("read of %s aborted: %s", t.key(), e.toString()));
            });
        }, e -> fail(rc, e));
    }

    private void save(RoutingContext rc, TokenService.Grant grant, Target t) {
        HttpServerRequest req = rc.request();
        String lenText = req.getHeader("Content-Length");
        if (lenText == null) {
            throw new ProblemException(BackupProblems.LENGTH_REQUIRED, "send Content-Length with the blob");
        }
        long length;
        try {
            length = Long.parseLong(lenText);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Content-Length is not a number");
        }
        boolean isConfig = "config".equals(t.kind());
        long max = isConfig ? config.maxConfigBytes() : config.maxBlobBytes();
        if (length < 0 || length > max) {
            throw new ProblemException(ProblemType.BODY_TOO_LARGE, "a " + (isConfig ? "config" : "blob") + " is at most " + max + " bytes")
                    .with("limit", isConfig ? "backup.max-config-bytes" : "backup.max-blob-bytes").with("maxBytes", max);
        }
        byte[] sha = isConfig ? null : Ids.hex(t.name());
        files.size(t.repo(), t.kind(), t.name())
                .chain(existing -> {
                    if (existing != null && !isConfig) {
                        return Uni.createFrom().item(false); // same name, same content: nothing to write
                    }
                    if (existing != null && grant.mode() == TokenService.Mode.APPEND_ONLY) {
                        throw new ProblemException(BackupProblems.APPEND_ONLY, "an append-only token cannot replace the repository's config");
                    }
                    return files.checkQuota(grant.owner(), length - (existing == null ? 0 : existing)).replaceWith(true);
                })
                .subscribe().with(write -> {
                    if (!write) {
                        req.resume();
                        req.end().onComplete(x -> rc.response().setStatusCode(200).end());
                        return;
                    }
                    store.putStream(t.key(), req, length, sha)
                            .onSuccess(v -> files.saved(t.repo(), grant.owner(), t.kind(), t.name(), length).subscribe().with(x -> {
                                metrics.count(t.repo(), "write", length);
                                rc.response().setStatusCode(200).end();
                            }, e -> fail(rc, e)))
                            .onFailure(e -> fail(rc, e));
                }, e -> fail(rc, e));
    }

    private void delete(RoutingContext rc, TokenService.Grant grant, Target t) {
        if (grant.mode() == TokenService.Mode.APPEND_ONLY && !"locks".equals(t.kind())) {
            throw new ProblemException(BackupProblems.APPEND_ONLY, "an append-only token deletes nothing but locks");
        }
        rc.request().resume();
        files.size(t.repo(), t.kind(), t.name())
                .chain(size -> {
                    if (size == null) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "no " + t.kind() + " file " + t.name());
                    }
                    return store.remove(java.util.List.of(t.key())).chain(() -> files.deleted(t.repo(), grant.owner(), t.kind(), t.name())).replaceWith(size);
                })
                .subscribe().with(size -> {
                    metrics.count(t.repo(), "delete", size);
                    rc.response().setStatusCode(200).end();
                }, e -> fail(rc, e));
    }

    private void fail(RoutingContext rc, Throwable e) {
        ProblemException p;
        if (e instanceof ProblemException pe) {
            p = pe;
        } else if (ProblemMappers.isUnavailable(e)) {
            LOG.warnf("dependency unavailable on %s: %s", rc.normalizedPath(), e.toString());
            p = new ProblemException(ProblemType.UNAVAILABLE, "a storage dependency of this service is unreachable; retry with backoff").withHeader("Retry-After", "5");
        } else {
            String incident = java.util.UUID.randomUUID().toString();
            LOG.errorf(e, "unexpected failure on %s (incident %s)", rc.normalizedPath(), incident);
            p = new ProblemException(ProblemType.INTERNAL, "an unexpected error occurred; report incident " + incident).with("incident", incident);
        }
        HttpServerResponse resp = rc.response();
        if (resp.headWritten()) {
            resp.reset();
            return;
        }
        try {
            rc.request().resume(); // let an unread body drain
        } catch (IllegalStateException alreadyRead) {
            // the body was consumed (piped to S3)
        }
        if (p.type().status() >= 400 && rc.request().method() != HttpMethod.HEAD) {
            Problems.end(resp, p, rc.normalizedPath());
        } else {
            resp.setStatusCode(p.type().status());
            p.headers().forEach(resp::putHeader);
            resp.end();
        }
    }
}
