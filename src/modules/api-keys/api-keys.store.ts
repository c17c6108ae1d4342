import type { Insertable } from 'kysely';
import type { ApiKeySecretsTable, ApiKeysTable } from '../../db/schema';
import type { Db } from '../../platform/db';

export async function insertApiKey(db: Db, row: Insertable<ApiKeysTable>): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function insertApiKeySecret(db: Db, row: Insertable<ApiKeySecretsTable>): Promise<void> {
  await db.insertInto('api_key_secrets').values(row).execute();
}

/**
 * A key with each of its secrets (one row per secret), revoked and expired ones included so the
 * caller can say why a key that matches stopped working. Primary key + api_key_secrets_key_idx.
 */
export function findKeyWithSecrets(db: Db, keyId: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('api_key_secrets as s', 's.api_key_id', 'k.id')
    .select([
      'k.id',
      'k.name',
      'k.scopes',
      'k.mode',
      'k.rate_limit_per_minute',
      'k.created_at',
      'k.revoked_at',
      's.id as secret_id',
      's.secret_hash',
      's.expires_at',
      's.last_used_at',
    ])
    .where('k.id', '=', keyId)
    .execute();
}

/** The key, locked for a rotation or revocation; undefined when there is none. */
export function lockApiKey(db: Db, keyId: string) {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).forUpdate().executeTakeFirst();
}

/** Every secret of the key still working after `until` stops working at `until`. */
export async function expireSecretsAt(db: Db, keyId: string, until: Date): Promise<void> {
  await db
    .updateTable('api_key_secrets')
    .set({ expires_at: until })
    .where('api_key_id', '=', keyId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
    .execute();
}

export async function markRevoked(db: Db, keyId: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).execute();
}

/**
 * Records a use unless one was recorded since `notBefore`: at most one write a minute per secret,
 * however many requests and processes use it (the condition makes concurrent writers a no-op).
 */
export async function touchSecret(db: Db, secretId: string, at: Date, notBefore: Date): Promise<void> {
  await db
    .updateTable('api_key_secrets')
    .set({ last_used_at: at })
    .where('id', '=', secretId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', notBefore)]))
    .execute();
}

export function findKey(db: Db, keyId: string) {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

export function listKeys(db: Db) {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}

export function listSecrets(db: Db, keyIds: readonly string[]) {
  if (keyIds.length === 0) return Promise.resolve([]);
  return (
    db
      .selectFrom('api_key_secrets')
      .select(['api_key_id', 'created_at', 'expires_at', 'last_used_at'])
      .where('api_key_id', 'in', [...keyIds])
      // Oldest first; among secrets made at one instant, the one that stops first.
      .orderBy('created_at')
      .orderBy('expires_at', (ob) => ob.asc().nullsLast())
      .execute()
  );
}
