// Against a real backup-service and S3: PEERS_BACKUP_URL (or PEERS_BASE_URL, a devstack router)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, BackupClient, BackupKey, BackupIntegrityError, PeersProblem, sha256Hex } from '../../src/index.js';

const BASE = process.env.PEERS_BACKUP_URL || process.env.PEERS_BASE_URL;
const T = { timeout: 30_000 };
const problem = (status, type) => (e) => e instanceof PeersProblem && e.status === status && (!type || e.type === `urn:peers:problem:${type}`);

describe('BackupClient against a running backup-service', { skip: BASE ? false : 'PEERS_BACKUP_URL / PEERS_BASE_URL is not set' }, () => {
  const s = {};

  it('creates a repository, once per name', T, async () => {
    s.alice = await Identity.generate();
    s.client = new BackupClient(BASE, s.alice);
    s.repo = await s.client.repo('chat-history');
    assert.equal(s.repo.owner, s.alice.peerKey);
    assert.equal((await s.client.repo('chat-history')).id, s.repo.id);
    await assert.rejects(s.client.createRepo({ name: 'chat-history' }), problem(409));
  });

  it('uploads encrypted bytes through the presigned URL and downloads them verified', T, async () => {
    s.key = await BackupKey.forIdentity(s.alice);
    const sealed = await s.key.seal('{"messages":["hello"]}');
    const stored = await s.client.putObject(s.repo.id, sealed);
    assert.equal(stored.sha256, await sha256Hex(sealed));
    assert.equal(stored.size, sealed.length);
    const again = await s.client.putObject(s.repo.id, sealed);
    assert.equal(again.sha256, stored.sha256, 'deduplicated');
    const back = await s.client.getObject(s.repo.id, stored.sha256);
    assert.deepEqual(back, sealed);
    assert.equal(new TextDecoder().decode(await s.key.open(back)), '{"messages":["hello"]}');
  });

  it('snapshots name a backup; the newest one restores, decrypted, with the identity only', T, async () => {
    await s.client.backUp(s.repo.id, s.key, 'history', 'version 1');
    await new Promise((r) => setTimeout(r, 20));
    await s.client.backUp(s.repo.id, s.key, 'history', 'version 2');
    const restored = await s.client.restoreLatest(s.repo.id, await BackupKey.forIdentity(await Identity.fromJwk(await s.alice.exportJwk())), 'history');
    assert.equal(new TextDecoder().decode(restored.plaintext), 'version 2');
    assert.equal((await s.client.listSnapshots(s.repo.id)).length, 2);
    assert.equal(await s.client.restoreLatest(s.repo.id, s.key, 'none-such'), null);
  });

  it('another identity\'s key does not open the backup, and another identity cannot reach the repository', T, async () => {
    const mallory = await Identity.generate();
    const restored = await s.client.restoreLatest(s.repo.id, s.key, 'history');
    const sealed = await s.client.getObject(s.repo.id, restored.snapshot.objects[0].sha256);
    await assert.rejects((await BackupKey.forIdentity(mallory)).open(sealed), BackupIntegrityError);
    const other = new BackupClient(BASE, mallory);
    await assert.rejects(other.listSnapshots(s.repo.id), (e) => e instanceof PeersProblem && (e.status === 403 || e.status === 404));
  });

  it('a snapshot naming an object that is not stored is refused; the repository deletes', T, async () => {
    await assert.rejects(s.client.createSnapshot(s.repo.id, { name: 'x', objects: ['0'.repeat(64)] }), (e) => e instanceof PeersProblem && e.status >= 400 && e.status < 500);
    await s.client.deleteRepo(s.repo.id);
    await assert.rejects(s.client.getRepo(s.repo.id), problem(404));
  });
});
