import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeMail, parseEml } from '../../src/text/index.js';

const FIXTURES = new URL('../fixtures/text/', import.meta.url);

async function eml(name: string) {
  const input = await parseEml(readFileSync(new URL(name, FIXTURES)));
  return { input, mail: normalizeMail(input) };
}

// Signs of text decoded with the wrong charset.
const MOJIBAKE = /\uFFFD|Ã[\u0080-\u00BF¦¸¥†˜…]|Â[\u00A0-\u00BF]/u;

describe('parseEml + normalizeMail', () => {
  it('windows-1252 + quoted-printable body and an ISO-8859-1 encoded-word subject', async () => {
    const { input, mail } = await eml('windows-1252-qp.eml');
    expect(input.subject).toBe('Klage over ejendomsskat på Grønnegade');
    expect(input.from).toBe('Børge Ærø <borge@aeroe.dk>');
    expect(input.date).toBe('2024-12-03T08:30:00.000Z');
    expect(mail.text).toBe(
      'Hej\n\nJeg vil gerne klage over min ejendomsskat på 12.500 kr. – den er for høj. “Grønnegade 5” er vurderet til 4,2 mio. €-kurs ligegyldig.',
    );
    expect(mail.signature).toBe('Med venlig hilsen\nBørge Ærø');
    expect(mail.toAddresses).toEqual(['skat@kommune.dk', 'post@kommune.dk']);
    expect(mail.fromDomain).toBe('aeroe.dk');
  });

  it('ISO-8859-1 declared, windows-1252 bytes (€ and – in 0x80-0x9F) are read as windows-1252', async () => {
    const { mail } = await eml('iso-8859-1-with-cp1252-bytes.eml');
    expect(mail.text).toBe('Faktura på 1.200 € – betalt via reg.nr. 1234 kontonr. 1234567890.');
    expect(mail.signature).toBe('Vh. Åse');
  });

  it('an unknown charset with Latin-1 bytes survives without mojibake', async () => {
    const { mail } = await eml('unknown-charset.eml');
    expect(mail.text).toBe(
      'Vores børn skal starte i børnehave på Ågade. Hvem kan vi tale med om pladsanvisning?',
    );
    expect(mail.signature).toBe('Venlig hilsen\nFamilien Østergaard');
  });

  it('UTF-8 declared but Latin-1 bytes (invalid UTF-8): no U+FFFD', async () => {
    const { mail } = await eml('utf8-declared-latin1-bytes.eml');
    expect(mail.text).toBe('Søger om tilskud til briller. Min datter går i 3. klasse på Æblevangsskolen.');
  });

  it('no MIME headers at all and raw 8-bit bytes', async () => {
    const { mail } = await eml('no-charset-8bit.eml');
    expect(mail.subject).toBe('Haveaffald');
    expect(mail.text).toBe('Grønt affald bliver ikke hentet på Rådhusvej.');
  });

  it('ISO-8859-1 declared but UTF-8 bytes are read as UTF-8', async () => {
    const { mail } = await eml('latin1-declared-utf8-bytes.eml');
    expect(mail.text).toBe('Jeg har ændret adresse til Søndergade 4, 2. th., 8000 Aarhus C.');
  });

  it('multipart with base64 text and HTML, an inline logo and a PDF attachment', async () => {
    const { input, mail } = await eml('multipart-base64-attachments.eml');
    expect(input.subject).toBe('Tegninger til tilbygning');
    expect(typeof input.bodyHtml).toBe('string');
    // The plain text part wins over the HTML part.
    expect(mail.text).toBe('Hej Byggesag\n\nHermed tegninger til min tilbygning på Havevej 9.');
    expect(mail.signature).toBe('Mvh\nKarin');
    expect(mail.attachments).toEqual([
      { name: 'logo.png', contentType: 'image/png', size: 70, inline: true },
      { name: 'tegning-havevej-9.pdf', contentType: 'application/pdf', size: 1040 },
    ]);
  });

  it('HTML-only quoted-printable Outlook reply in Danish', async () => {
    const { input, mail } = await eml('html-only-qp.eml');
    expect(input.body).toBeNull();
    expect(mail.subject).toBe('Indkaldelse til samtale');
    expect(mail.text).toBe(
      'Hej Jobcenter\n\nJeg kan ikke komme til samtalen på fredag, da jeg er syg. Kan vi finde en ny tid?',
    );
    expect(mail.signature).toBe('Med venlig hilsen\nAhmad Yusuf');
    expect(mail.quoted).toMatch(/^Fra: Jobcenter <jobcenter@kommune\.dk>\nSendt: 1\. december 2024 08:00/u);
    expect(mail.text).not.toMatch(/<|margin/u);
  });

  it('no fixture shows mojibake in subject, text, history or signature', async () => {
    for (const name of [
      'windows-1252-qp.eml',
      'iso-8859-1-with-cp1252-bytes.eml',
      'unknown-charset.eml',
      'utf8-declared-latin1-bytes.eml',
      'no-charset-8bit.eml',
      'latin1-declared-utf8-bytes.eml',
      'multipart-base64-attachments.eml',
      'html-only-qp.eml',
    ]) {
      const { mail } = await eml(name);
      expect(`${mail.subject}\n${mail.text}\n${mail.quoted}\n${mail.signature}`, name).not.toMatch(MOJIBAKE);
      expect(mail.text, name).toMatch(/[æøåÆØÅ]/u);
    }
  });

  it('parses a string and garbage without throwing', async () => {
    const fromString = await parseEml('Subject: Hej\r\n\r\nBare tekst med æøå\r\n');
    expect(normalizeMail(fromString).text).toBe('Bare tekst med æøå');
    const garbage = await parseEml(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0d, 0x0a, 0x0d, 0x0a, 0xe6, 0xf8]));
    expect(typeof normalizeMail(garbage).text).toBe('string');
    expect(normalizeMail(garbage).text).not.toMatch(/\uFFFD/u);
  });
});
