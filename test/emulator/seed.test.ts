import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFromEml, seedFromJsonl, type GraphEmulator } from '../../src/emulator/index.js';
import { startWithClient, values, type TestClient } from './helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const box = 'post@emu-seed.example';
let emulator: GraphEmulator;
let client: TestClient;

beforeAll(async () => {
  ({ emulator, client } = await startWithClient());
  emulator.addMailbox(box);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('emulator seeding', () => {
  it('seeds the shared/data JSONL format, tolerating nulls and bad lines', async () => {
    const result = await seedFromJsonl(emulator, fixture('post.jsonl'), box);
    expect(result).toEqual({
      delivered: 3,
      skipped: 1,
      labels: { Byggesag: 1, Parkering: 1, Borgerservice: 1 },
    });
    const res = await client.graph('GET', `/users/${box}/messages?$orderby=receivedDateTime%20asc&$top=2`);
    expect(values(res).map((m) => m['subject'])).toEqual([
      'Ansøgning om byggetilladelse til carport',
      'Parkeringsafgift klage',
    ]);
    expect(values(res)[0]?.['from']).toEqual({
      emailAddress: { name: 'Jens Hansen', address: 'jens@example.org' },
    });
    const untitled = emulator.listMessages(box).find((m) => m.body.content.startsWith('Hvornår'));
    expect(untitled?.subject).toBe('Hvornår har borgerservice åbent?');
  });

  it('seeds .eml files with html body, attachments and Message-ID; serves text on request', async () => {
    await seedFromEml(emulator, [fixture('noise.eml')], box, { folder: 'archive' });
    const [m] = emulator.listMessages(box, 'archive');
    expect(m?.subject).toBe('Fløjt i gaden');
    expect(m?.internetMessageId).toBe('<eml-1@example.org>');
    expect(m?.attachments.map((a) => [a.name, a.contentType])).toEqual([['foto.pdf', 'application/pdf']]);
    const res = await client.graph('GET', `/users/${box}/messages/${m?.id ?? ''}?$select=body`, undefined, {
      Prefer: 'outlook.body-content-type="text"',
    });
    expect(res.headers.get('preference-applied')).toBe('outlook.body-content-type="text"');
    expect(res.body['body']).toEqual({
      contentType: 'text',
      content: expect.stringContaining('Der er støj fra byggepladsen.'),
    });
  });
});
