import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { LocalHttpServer, type FakeReply, type RecordedRequest } from './local-http-server';

/** A browser's push subscription made in the test: the keys the push service encrypts for. */
export interface TestDevice {
  readonly path: string;
  readonly ecdh: ECDH;
  readonly p256dh: string;
  readonly auth: string;
}

/** A push message the fake service accepted, checked and decrypted. */
export interface ReceivedPush {
  readonly path: string;
  readonly payload: unknown;
  readonly ttl: string | undefined;
  readonly urgency: string | undefined;
  readonly topic: string | undefined;
  readonly jwtClaims: { aud: string; exp: number; sub: string };
  readonly vapidPublicKey: string;
}

/**
 * A push service on 127.0.0.1 as RFC 8030/8291/8292 describe it: `POST {endpoint}` with
 * `Authorization: vapid t=<JWT>, k=<public key>` (the ES256 signature is verified against `k`, the
 * audience must be this origin, expiry within 24 h), `Content-Encoding: aes128gcm`, a TTL; the body
 * is decrypted here with the device's private key (RFC 8291, written from the RFC with node:crypto,
 * independent of web-push). Answers 201; `gone` paths answer 410.
 */
export function fakePushService(options: { now: () => number; vapidSubject: string }) {
  const devices = new Map<string, TestDevice>();
  const received: ReceivedPush[] = [];
  const rejections: string[] = [];
  const gone = new Set<string>();
  const server: LocalHttpServer = new LocalHttpServer((request: RecordedRequest): FakeReply => {
    const device = devices.get(request.url);
    if (request.method !== 'POST' || device === undefined) return { status: 404, body: 'no such subscription' };
    if (gone.has(request.url)) return { status: 410, body: 'push subscription has unsubscribed or expired' };
    try {
      const vapid = checkVapid(request, server.url, options);
      if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${String(request.headers['content-encoding'])}`);
      if (request.headers.ttl === undefined) throw new Error('no TTL header');
      const plaintext = decryptAes128gcm(request.body, device);
      received.push({
        path: request.url,
        payload: JSON.parse(plaintext.toString('utf8')),
        ttl: request.headers.ttl as string,
        urgency: request.headers.urgency as string | undefined,
        topic: request.headers.topic as string | undefined,
        jwtClaims: vapid.claims,
        vapidPublicKey: vapid.publicKey,
      });
      return { status: 201, headers: { location: `${server.url}/messages/${received.length}` } };
    } catch (error) {
      rejections.push((error as Error).message);
      return { status: 400, body: (error as Error).message };
    }
  });

  /** A new browser subscription on this service. */
  function subscribe(name: string): TestDevice & { endpoint: string } {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const device = { path: `/push/${name}`, ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
    devices.set(device.path, device);
    return { ...device, endpoint: `${server.url}${device.path}` };
  }

  return { server, received, rejections, subscribe, markGone: (path: string) => gone.add(path) };
}

function checkVapid(request: RecordedRequest, origin: string, options: { now: () => number; vapidSubject: string }) {
  const match = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(request.headers.authorization ?? '');
  if (!match) throw new Error(`Authorization is not "vapid t=…, k=…": ${request.headers.authorization ?? '(none)'}`);
  const [header, claims, signature] = (match[1] as string).split('.') as [string, string, string];
  const publicKey = match[2] as string;
  const point = Buffer.from(publicKey, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('VAPID JWT signature does not verify with k');
  const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (parsedHeader.alg !== 'ES256') throw new Error(`VAPID JWT alg ${parsedHeader.alg}`);
  const parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { aud: string; exp: number; sub: string };
  if (parsed.aud !== origin) throw new Error(`VAPID audience ${parsed.aud} is not ${origin}`);
  const nowSeconds = options.now() / 1000;
  if (!(parsed.exp > nowSeconds && parsed.exp <= nowSeconds + 24 * 3600 + 60)) throw new Error(`VAPID exp ${parsed.exp} out of range`);
  if (parsed.sub !== options.vapidSubject) throw new Error(`VAPID sub ${parsed.sub}`);
  return { claims: parsed, publicKey };
}

/** RFC 8291 §3.4 / RFC 8188: the one-record aes128gcm body a push service forwards to the browser. */
export function decryptAes128gcm(body: Buffer, device: Pick<TestDevice, 'ecdh' | 'auth'>): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ecdhSecret = device.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, Buffer.from(device.auth, 'base64url'), keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return padded.subarray(0, end);
}
