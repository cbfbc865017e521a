import { describe, expect, it } from 'vitest';
import { graphMessageToMailInput, normalizeMail, type GraphMessageLike } from '../../src/text/index.js';

// The JSON shape Graph returns for GET /users/{id}/messages/{id} (trimmed to what is used).
const graphMessage: GraphMessageLike = {
  subject: 'SV: Kontrolafgift',
  body: {
    contentType: 'html',
    content:
      '<html><body><div>Jeg har betalt afgiften, se <a href="https://www.mobilepay.dk/kvittering">kvittering</a>.</div><div>Mvh Ole</div><hr><div id="divRplyFwdMsg"><b>Fra:</b> Parkering &lt;parkering@kk.dk&gt;<br><b>Sendt:</b> 2. december 2024<br><b>Til:</b> Ole<br><b>Emne:</b> Kontrolafgift</div><div>Du har fået en afgift.</div></body></html>',
  },
  from: { emailAddress: { name: 'Ole Dam', address: 'Ole.Dam@Example.DK' } },
  toRecipients: [
    { emailAddress: { name: 'Parkering', address: 'parkering@kk.dk' } },
    { emailAddress: { address: '' } },
  ],
  receivedDateTime: '2024-12-03T08:30:00Z',
  attachments: [{ name: 'kvittering.pdf', contentType: 'application/pdf', size: 20480, isInline: false }],
};

describe('Graph messages', () => {
  it('maps the Graph JSON shape to MailInput and normalises it', () => {
    const input = graphMessageToMailInput(graphMessage);
    expect(input).toMatchObject({
      subject: 'SV: Kontrolafgift',
      body: null,
      from: '"Ole Dam" <Ole.Dam@Example.DK>',
      to: ['"Parkering" <parkering@kk.dk>'],
      date: '2024-12-03T08:30:00Z',
    });
    const m = normalizeMail(input);
    expect(m.subject).toBe('Kontrolafgift');
    expect(m.text).toBe('Jeg har betalt afgiften, se kvittering (mobilepay.dk).');
    expect(m.signature).toBe('Mvh Ole');
    expect(m.quoted).toContain('Du har fået en afgift.');
    expect(m.fromAddress).toBe('ole.dam@example.dk');
    expect(m.toAddresses).toEqual(['parkering@kk.dk']);
    expect(m.attachments).toEqual([{ name: 'kvittering.pdf', contentType: 'application/pdf', size: 20480 }]);
  });

  it('takes a text body as plain text and falls back to sender when from is missing', () => {
    const input = graphMessageToMailInput({
      body: { contentType: 'text', content: 'Hej\r\nTak.' },
      sender: { emailAddress: { address: 'a@b.dk' } },
    });
    expect(input.body).toBe('Hej\r\nTak.');
    expect(input.from).toBe('a@b.dk');
    expect(normalizeMail(input).text).toBe('Hej\nTak.');
  });

  it('survives a message with fields left out by $select, or none at all', () => {
    for (const message of [
      {},
      null,
      JSON.parse('{"body":null,"toRecipients":[null],"attachments":[1]}') as GraphMessageLike,
    ]) {
      const m = normalizeMail(graphMessageToMailInput(message));
      expect(m.text).toBe('');
      expect(m.toAddresses).toEqual([]);
    }
  });
});
