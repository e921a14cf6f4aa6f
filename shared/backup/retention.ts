// Retention: daily backups kept 30 days, weekly 12 weeks, monthly 12 months, manual and safety backups until
// deleted; the newest complete backup is never deleted, whatever its age.
import type { BackupKind, Manifest } from "./format.ts";
import type { BackupStore } from "./store.ts";
import { listBackups } from "./verify.ts";

export type RetentionPolicy = Record<BackupKind, number | null>;

const DAY = 86_400_000;
export const DEFAULT_RETENTION: RetentionPolicy = { daily: 30 * DAY, weekly: 12 * 7 * DAY, monthly: 365 * DAY, manual: null, safety: null };

/** The ids retention removes at `now`. Backups without a readable manifest are never chosen (verify them). */
export function expiredBackups(manifests: Manifest[], now: Date, policy: RetentionPolicy = DEFAULT_RETENTION): string[] {
  const newest = [...manifests].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id;
  return manifests
    .filter((m) => m.id !== newest)
    .filter((m) => {
      const keep = policy[m.kind];
      return keep !== null && now.getTime() - new Date(m.createdAt).getTime() > keep;
    })
    .map((m) => m.id);
}

export async function pruneBackups(store: BackupStore, options: { now?: Date; policy?: RetentionPolicy; dryRun?: boolean } = {}): Promise<string[]> {
  const manifests = (await listBackups(store)).flatMap((b) => (b.manifest ? [b.manifest] : []));
  const expired = expiredBackups(manifests, options.now ?? new Date(), options.policy);
  if (!options.dryRun) for (const id of expired) await store.remove(id);
  return expired;
}
