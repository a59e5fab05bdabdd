// @peers/client: the Peers services protocols for apps (browsers and Node >= 20, WebCrypto only).
export { Identity, EncryptionKeyPair, verifyPeerSignature, peerKeyBytes } from './identity.js';
export {
  PEERS_COMPONENTS, contentDigest, newNonce, signatureParams, componentValue, signatureBase, signMessage, signRequest, signedFetch,
} from './signing.js';
export { leafHash, nodeHash, rootFromInclusion, verifyInclusion, verifyConsistency } from './merkle.js';
export { RegistryClient, certifyDevice, deviceCertificateText, treeHeadText, entryCommitment } from './registry.js';
export { ProofError, PeersProblem } from './errors.js';
export { toBase64Url, fromBase64Url } from './base64.js';
export { requestBytes, requestJson, trimBase } from './http.js';
export { WS_AUTH_CONTEXT, wsAuthMessage, wsAuthFrame, webSocketUrl, SocketError, PeersSocket } from './socket.js';
export { SignalingClient, roomId, isOfferer, connectDataChannel } from './signaling.js';
export { SyncClient, SyncTail, StreamKey, DecryptionError, PageFormatError, decodePage, newRecordId } from './sync.js';
export { ManagedKeysClient, PasskeyError, WRAP_ALGORITHM, stripPrfResults, creationOptions, requestOptions, prfOutput, prfWrappingKey, sealKeys, openKeys, newRecoveryCode, recoveryKeys } from './passkeys.js';
export { BackupClient, BackupKey, BackupIntegrityError, sha256Hex } from './backup.js';
export { BillingClient } from './billing.js';
