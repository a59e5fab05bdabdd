package peers.billing.api;

import peers.common.problems.ApiDocs;

/** Descriptions used by the OpenAPI annotations of this service's resources: the common ones plus billing's. */
final class ApiResponses {

    static final String PROBLEM = ApiDocs.PROBLEM;
    static final String BAD = ApiDocs.BAD + "; idempotency-key-required: no Idempotency-Key header";
    static final String BAD_GET = ApiDocs.BAD;
    static final String UNSIGNED = ApiDocs.UNSIGNED;
    static final String INVALID = ApiDocs.INVALID + "; idempotency-key-reused: the key was used for another request";
    static final String TOO_LARGE = ApiDocs.TOO_LARGE;
    static final String LIMITED = ApiDocs.LIMITED;
    static final String MEDIA = "Body is not application/json";
    static final String NOT_OWNER = "not-app-owner: the app belongs to another key";
    static final String UNKNOWN_APP = "app-unknown: no app has this id";
    static final String NOT_OPERATOR = "not-operator: the signing key is not among peers.billing.operator-keys";
    static final String UNKNOWN_INVOICE = "invoice-unknown: no such invoice (or not the caller's)";
    static final String INVOICE_STATE = "invoice-state: the invoice's status does not allow this";
    static final String REPLAYED = " (a retry with the same Idempotency-Key and body returns the first response again, with Idempotent-Replayed: true)";

    private ApiResponses() {
    }
}
