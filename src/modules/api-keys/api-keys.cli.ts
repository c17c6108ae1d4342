/**
 * `settle api-key create | list | rotate | revoke`: how an administrator manages integrators' keys
 * until the staff console has a page for it. A new or rotated key is printed once, to stdout, and
 * kept nowhere but in the administrator's hands (the database has its hash; no log line has it).
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config';
import { AppError } from '../../errors';
import { createLogger } from '../../platform/logger';
import { openRuntime } from '../../runtime';
import type { ApiKeySummary } from './api-keys.schema';
import { createApiKey, type KeyAdmin, listApiKeys, revokeApiKey, rotateApiKey } from './api-keys.service';
import { type ApiKeyScope, apiKeyScopes } from './scopes';

export const apiKeyUsage = `Usage: settle api-key <create|list|rotate|revoke> [options]

  create --name NAME --scopes SCOPE[,SCOPE…] [--rate-limit CALLS_PER_MINUTE]
                     a new key; it is printed once, store it at once (default 1200 calls a minute)
  list               every key: scopes, when last used, revoked or not (never a secret)
  rotate KEY_ID [--overlap-hours H]
                     a new secret for the key; the old one keeps working H hours (default 24, 0 to 168)
  revoke KEY_ID      stops the key at once

  --json             print JSON instead of text

Scopes: ${apiKeyScopes.join(', ')}`;

/** Option names as the administrator types them, for errors about the service's fields. */
const optionOf: Record<string, string> = {
  name: '--name',
  scopes: '--scopes',
  rateLimitPerMinute: '--rate-limit',
  overlapHours: '--overlap-hours',
  keyId: 'KEY_ID',
};

const cliAdmin: KeyAdmin = { actor: { type: 'system', name: 'cli' }, ctx: null };

function numberOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function describe(key: ApiKeySummary): string {
  const overlapping = key.secrets.filter((s) => s.expiresAt !== null && key.revokedAt === null);
  const status = key.revokedAt
    ? `revoked ${key.revokedAt}`
    : overlapping.length > 0
      ? `active; previous secret works until ${overlapping.map((s) => s.expiresAt).join(', ')}`
      : 'active';
  return [
    `${key.id}  ${key.name}`,
    `  mode ${key.mode}; scopes ${key.scopes.join(', ')}; ${key.rateLimitPerMinute} calls a minute`,
    `  created ${key.createdAt} by ${key.createdBy}; last used ${key.lastUsedAt ?? 'never'}; ${status}`,
  ].join('\n');
}

function printSecret(secret: string): void {
  console.log(`\n  ${secret}\n`);
  console.log('This is the only time the key is shown: store it in your secret manager now.');
  console.log('Settle keeps only its hash and cannot show it again (rotate the key if it is lost).');
}

/** Runs one `settle api-key` subcommand; the exit code (2 for a usage error). */
export async function apiKeyCommand(config: Config, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${apiKeyUsage}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, keyId, ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(apiKeyUsage);
    return 0;
  }
  if (command === undefined) {
    console.error(apiKeyUsage);
    return 2;
  }
  const takesKeyId = command === 'rotate' || command === 'revoke';
  if (
    !['create', 'list', 'rotate', 'revoke'].includes(command) ||
    rest.length > 0 ||
    (!takesKeyId && keyId)
  ) {
    console.error(`Unknown or extra arguments: ${positionals.join(' ')}\n\n${apiKeyUsage}`);
    return 2;
  }
  if (takesKeyId && !keyId) {
    console.error(`settle api-key ${command} needs the key's id (see settle api-key list).`);
    return 2;
  }

  // Log lines go to stderr, so stdout is only what the command prints (JSON with --json).
  const runtime = await openRuntime(config, { logger: createLogger(config.logLevel, process.stderr) });
  try {
    const deps = runtime.deps;
    const json = values.json ?? false;
    switch (command) {
      case 'create': {
        const issued = await createApiKey(
          deps,
          {
            name: values.name ?? '',
            // Checked by the service against the closed list, which names any unknown one.
            scopes: (values.scopes ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()) as ApiKeyScope[],
            ...(values['rate-limit'] !== undefined
              ? { rateLimitPerMinute: numberOption(values['rate-limit']) }
              : {}),
          },
          cliAdmin,
        );
        if (json) console.log(JSON.stringify({ ...issued.key, secret: issued.secret }, null, 2));
        else {
          console.log(`Created API key:\n${describe(issued.key)}`);
          printSecret(issued.secret);
        }
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(deps);
        if (json) console.log(JSON.stringify(keys, null, 2));
        else console.log(keys.length > 0 ? keys.map(describe).join('\n\n') : 'No API keys yet.');
        return 0;
      }
      case 'rotate': {
        const rotated = await rotateApiKey(
          deps,
          {
            keyId: keyId ?? '',
            ...(values['overlap-hours'] !== undefined
              ? { overlapHours: numberOption(values['overlap-hours']) }
              : {}),
          },
          cliAdmin,
        );
        const until = rotated.previousSecretsExpireAt.toISOString();
        if (json) {
          console.log(
            JSON.stringify(
              { ...rotated.key, secret: rotated.secret, previousSecretsExpireAt: until },
              null,
              2,
            ),
          );
        } else {
          console.log(`Rotated API key:\n${describe(rotated.key)}`);
          console.log(`The previous secret works until ${until}.`);
          printSecret(rotated.secret);
        }
        return 0;
      }
      default: {
        const revoked = await revokeApiKey(deps, keyId ?? '', cliAdmin);
        if (json) console.log(JSON.stringify(revoked, null, 2));
        else console.log(`Revoked API key:\n${describe(revoked)}`);
        return 0;
      }
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const fields = (err.details.errors ?? []).map(
      (e) => `  ${optionOf[e.field.split('.')[0] ?? ''] ?? e.field}: ${e.message}`,
    );
    console.error([err.message, ...fields].join('\n'));
    return err.code === 'validation_failed' ? 2 : 1;
  } finally {
    await runtime.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      'overlap-hours': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
