import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkImage } from '../../src/directories/branding.ts';
import { readImageHeader } from '../../src/domain/image-header.ts';
import { gifHeader, icoHeader, jpegHeader, png, SVG_WITH_SCRIPT, webpHeader } from '../support/test-images.ts';

describe('image header: type by magic bytes, dimensions from the header', () => {
  const cases = [
    { name: 'PNG', bytes: png(300, 120), expected: { type: 'png', width: 300, height: 120 } },
    { name: 'GIF', bytes: gifHeader(64, 32), expected: { type: 'gif', width: 64, height: 32 } },
    { name: 'JPEG', bytes: jpegHeader(1920, 1080), expected: { type: 'jpeg', width: 1920, height: 1080 } },
    { name: 'WebP (lossless)', bytes: webpHeader(800, 600), expected: { type: 'webp', width: 800, height: 600 } },
    { name: 'ICO', bytes: icoHeader(32), expected: { type: 'ico', width: 32, height: 32 } },
    { name: 'ICO of 256 (written as 0)', bytes: icoHeader(256), expected: { type: 'ico', width: 256, height: 256 } },
  ] as const;
  for (const c of cases) {
    it(`reads ${c.name}`, () => assert.deepEqual(readImageHeader(c.bytes), c.expected));
  }

  it('knows nothing of text, SVG, an executable or a truncated PNG', () => {
    assert.equal(readImageHeader(Buffer.from('hello, this is not an image')), undefined);
    assert.equal(readImageHeader(SVG_WITH_SCRIPT), undefined);
    assert.equal(readImageHeader(Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1')), undefined);
    assert.equal(readImageHeader(png(10, 10).subarray(0, 20)), undefined);
  });

  it('checkImage: kind rules for type, bytes and dimensions; SVG named as markup', () => {
    assert.equal(checkImage('logo', png(1024, 512)).ok, true);
    assert.deepEqual(checkImage('logo', png(1025, 10)), { ok: false, problem: 'too_large' });
    assert.deepEqual(checkImage('logo', png(400, 300, { noise: true })), { ok: false, problem: 'too_big' });
    assert.deepEqual(checkImage('logo', SVG_WITH_SCRIPT), { ok: false, problem: 'markup' });
    assert.deepEqual(checkImage('logo', icoHeader(32)), { ok: false, problem: 'type' }, 'ICO is for favicons only');
    assert.equal(checkImage('favicon', icoHeader(48)).ok, true);
    assert.deepEqual(checkImage('favicon', gifHeader(16, 16)), { ok: false, problem: 'type' });
    const good = checkImage('background', jpegHeader(1600, 900));
    assert.ok(good.ok && good.image.contentType === 'image/jpeg' && /^[0-9a-f]{64}$/.test(good.image.sha256));
  });
});
