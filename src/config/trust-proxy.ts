import { isIP } from 'node:net';
import { z } from 'zod';

// TRUST_PROXY: the proxies whose X-Forwarded-For is believed, as IPs and CIDR ranges (or proxy-addr's
// names for whole classes: loopback, linklocal, uniquelocal). Unset, the header is ignored and the
// client address is the TCP peer, so a spoofed header cannot pick a fresh rate-limit key (L5).

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

export const trustProxySetting = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.length > 0 && entries.every(isProxyAddress), {
    error: 'must be a comma-separated list of proxy IP addresses or CIDR ranges, such as 10.0.0.0/8,192.168.1.10',
  })
  .optional();
