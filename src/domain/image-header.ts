// What an uploaded image really is, read from its first bytes: the file name and the browser's
// Content-Type are the uploader's word and prove nothing. Only the header is read, never the pixels,
// so a hostile file costs a few comparisons.

export type ImageType = 'png' | 'jpeg' | 'webp' | 'gif' | 'ico';

export interface ImageHeader {
  readonly type: ImageType;
  readonly width: number;
  readonly height: number;
}

export const CONTENT_TYPES: Readonly<Record<ImageType, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  ico: 'image/x-icon',
};

const startsWith = (bytes: Buffer, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const ascii = (bytes: Buffer, at: number, length: number): string => bytes.toString('latin1', at, at + length);

function png(bytes: Buffer): ImageHeader | undefined {
  if (!startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  return { type: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function gif(bytes: Buffer): ImageHeader | undefined {
  const signature = ascii(bytes, 0, 6);
  if ((signature !== 'GIF87a' && signature !== 'GIF89a') || bytes.length < 10) return undefined;
  return { type: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
}

function webp(bytes: Buffer): ImageHeader | undefined {
  if (bytes.length < 30 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP') return undefined;
  switch (ascii(bytes, 12, 4)) {
    case 'VP8 ': // lossy: a key frame's start code, then 14-bit dimensions
      if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return undefined;
      return { type: 'webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    case 'VP8L': { // lossless: a signature byte, then width-1 and height-1 in 14 bits each
      if (bytes[20] !== 0x2f) return undefined;
      const bits = bytes.readUInt32LE(21);
      return { type: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X': // extended: 24-bit width-1 and height-1
      return { type: 'webp', width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
    default:
      return undefined;
  }
}

function jpeg(bytes: Buffer): ImageHeader | undefined {
  if (!startsWith(bytes, [0xff, 0xd8, 0xff])) return undefined;
  // Walk the segments to the first start-of-frame, which holds the dimensions.
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) { at += 1; continue; }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { type: 'jpeg', width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

function ico(bytes: Buffer): ImageHeader | undefined {
  if (!startsWith(bytes, [0, 0, 1, 0]) || bytes.length < 6) return undefined;
  const count = bytes.readUInt16LE(4);
  if (count === 0 || bytes.length < 6 + count * 16) return undefined;
  // Each entry names its size in one byte, 0 meaning 256; the largest is what the icon claims to be.
  let width = 0;
  let height = 0;
  for (let i = 0; i < count; i++) {
    width = Math.max(width, bytes[6 + i * 16] || 256);
    height = Math.max(height, bytes[7 + i * 16] || 256);
  }
  return { type: 'ico', width, height };
}

/**
 * Markup pretending to be an image. SVG is refused outright, whatever it is called: an SVG file can
 * carry <script> and event handlers, which run when it is opened from our origin.
 */
export function looksLikeMarkup(bytes: Buffer): boolean {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<') || head.includes('<svg');
}

/** The image's real type and size, or undefined when the bytes are not an image this reader knows. */
export function readImageHeader(bytes: Buffer): ImageHeader | undefined {
  const header = png(bytes) ?? jpeg(bytes) ?? gif(bytes) ?? webp(bytes) ?? ico(bytes);
  return header && header.width > 0 && header.height > 0 ? header : undefined;
}
