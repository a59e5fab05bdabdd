package peers.registry.identities;

/**
 * A device to certify: its key, the certificate's expiry (unix seconds) and the identity key's
 * signature over {@link Proofs#deviceCertificate}.
 */
public record DeviceSpec(String key, long expires, String certificate) {
}
