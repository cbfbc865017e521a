import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/*
 * Service-backed tests run when the CI exports DATABASE_URL / REDIS_URL. Then an unreachable
 * service is a failure, never a skip. Without them (a fresh clone, `npm test`), only the embedded
 * adapters are exercised.
 */
export const databaseUrl = process.env.DATABASE_URL;
export const redisUrl = process.env.REDIS_URL;

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  if (!databaseUrl) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes the Redis keys matching `pattern` (a test's own queue prefix). */
export async function dropRedisKeys(pattern: string, url = redisUrl): Promise<void> {
  if (!url) return;
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
