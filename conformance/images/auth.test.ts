// Registry authentication through PullImage's AuthConfig: htpasswd basic auth, and bearer
// tokens (anonymous, username/password, registry token, identity token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  pushTestImages,
  startRegistryProxy,
  startTestRegistry,
  type PushedTestImages,
  type TestRegistry,
} from '../testimages';
import { failure, pull, startCorrald, storedFiles } from './helpers';

let plain: TestRegistry;
let basic: TestRegistry;
let images: PushedTestImages;
const creds = { username: 'corral', password: 'pa55word' };

before(async () => {
  plain = await startTestRegistry();
  images = await pushTestImages(plain);
  basic = await startTestRegistry({ auth: creds });
  await pushTestImages(basic);
});
after(async () => {
  await plain?.stop();
  await basic?.stop();
});

test('basic auth: refused without or with wrong credentials, pulled with them', async (t) => {
  const daemon = await startCorrald(t);
  const ref = `${basic.host}/corral-test/busybox:latest`;
  const none = await failure(pull(daemon, ref));
  assert.equal(none.code, 'FAILED_PRECONDITION');
  assert.match(none.details, /credentials/);
  const wrong = await failure(pull(daemon, ref, { username: 'corral', password: 'nope' }));
  assert.equal(wrong.code, 'FAILED_PRECONDITION');
  assert.deepEqual(storedFiles(daemon), []);
  assert.match(await pull(daemon, ref, creds), /^sha256:/);
  const encoded = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  assert.match(await pull(daemon, `${basic.host}/corral-test/busybox-user:latest`, { auth: encoded }), /^sha256:/);
});

test('bearer tokens: anonymous, and with username/password, registry token or identity token', async (t) => {
  const daemon = await startCorrald(t);
  const anonymous = await startRegistryProxy({ upstream: plain, bearer: {} });
  const secured = await startRegistryProxy({
    upstream: plain,
    bearer: { credentials: creds, refreshToken: 'refresh-me' },
  });
  t.after(async () => {
    await anonymous.stop();
    await secured.stop();
  });
  assert.match(await pull(daemon, `${anonymous.host}/corral-test/busybox:latest`), /^sha256:/);
  const ref = `${secured.host}/corral-test/busybox:latest`;
  const refused = await failure(pull(daemon, ref, { username: 'corral', password: 'wrong' }));
  assert.equal(refused.code, 'FAILED_PRECONDITION');
  await pull(daemon, ref, creds);
  await daemon.client.image('RemoveImage', { image: { image: ref } });
  await pull(daemon, ref, { registry_token: secured.staticToken });
  await daemon.client.image('RemoveImage', { image: { image: ref } });
  await pull(daemon, ref, { identity_token: 'refresh-me' });
  const list = await daemon.client.image('ListImages', {});
  assert.ok(list.images.some((i) => i.repo_tags.includes(ref)));
  void images;
});
