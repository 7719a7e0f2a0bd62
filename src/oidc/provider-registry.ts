import type Provider from 'oidc-provider';
import type { Directory } from '../storage/schema.ts';
import { createDirectoryProvider, type ProviderDeps } from './oidc-provider-factory.ts';
import { loadSigningKeys } from './signing-keys.ts';

// Providers are built lazily, one per directory, and kept. Every KEY_CHECK_MS each instance rereads the
// directory's key set, so a rotation made on one instance is signing on all of them within that time;
// until then the others sign with the retired key, which stays published and valid.

const KEY_CHECK_MS = 30_000;

interface Entry {
  readonly provider: Provider;
  readonly version: string;
  checkedAt: number;
}

export interface ProviderRegistry {
  get(directory: Directory): Promise<Provider>;
  /** Forget this directory's provider here, after a change this instance made (a key rotation). */
  invalidate(directoryId: string): void;
}

export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  const entries = new Map<string, Promise<Entry>>();

  async function build(directory: Directory): Promise<Entry> {
    const keys = await loadSigningKeys(deps.db, deps.instanceKey, directory.id);
    return { provider: createDirectoryProvider(deps, directory, keys), version: keys.version, checkedAt: Date.now() };
  }

  return {
    async get(directory) {
      let pending = entries.get(directory.id);
      if (!pending) {
        pending = build(directory);
        entries.set(directory.id, pending);
        pending.catch(() => entries.delete(directory.id));
      }
      const entry = await pending;
      if (Date.now() - entry.checkedAt > KEY_CHECK_MS) {
        entry.checkedAt = Date.now();
        const keys = await loadSigningKeys(deps.db, deps.instanceKey, directory.id);
        if (keys.version !== entry.version) {
          const rebuilt = Promise.resolve({ provider: createDirectoryProvider(deps, directory, keys), version: keys.version, checkedAt: Date.now() });
          entries.set(directory.id, rebuilt);
          return (await rebuilt).provider;
        }
      }
      return entry.provider;
    },
    invalidate(directoryId) {
      entries.delete(directoryId);
    },
  };
}
