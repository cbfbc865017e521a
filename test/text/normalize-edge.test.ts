import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS, htmlToText, maskPii, normalizeMail, type MailInput } from '../../src/text/index.js';

function body(text: string, extra: Partial<MailInput> = {}): MailInput {
  return { subject: null, body: text, from: null, to: null, ...extra };
}

describe('odd input', () => {
  it('never throws on nulls, wrong types or no object at all', () => {
    const odd = [
      'null',
      '{}',
      '{"subject":5,"body":{"x":1},"bodyHtml":[],"from":[],"to":7,"attachments":"x"}',
      '{"subject":null,"body":null,"from":null,"to":[null, 3, "a@b.dk"],"attachments":[null, 1, {"name":4}]}',
    ];
    for (const json of odd) {
      const input = JSON.parse(json) as MailInput;
      const m = normalizeMail(input);
      expect(m.text).toBe('');
      expect(m.textSource).toBe('none');
      expect(Array.isArray(m.toAddresses)).toBe(true);
    }
    const withList = normalizeMail(JSON.parse(odd[3] ?? '') as MailInput);
    expect(withList.toAddresses).toEqual(['a@b.dk']);
    expect(withList.attachments).toEqual([{ name: '', contentType: 'application/octet-stream' }]);
  });

  it('an empty or blank body gives empty text and no history', () => {
    for (const text of ['', '   \n\n\t ', '\u200B\uFEFF']) {
      const m = normalizeMail(body(text));
      expect(m).toMatchObject({ text: '', quoted: '', signature: '', textSource: 'none', truncated: false });
    }
  });
});

describe('large and hostile bodies', () => {
  const newText = 'Hej Byggesag. Jeg søger om tilladelse til en carport på Engvej 3.';

  it('a 5 MB plain body keeps the new text, separates the history and caps the rest', () => {
    const history = '\n\n-----Oprindelig meddelelse-----\nFra: a@b.dk\nSendt: i går\nTil: c@d.dk\n\n';
    const filler = 'Lorem ipsum dolor sit amet, æøå ÆØÅ 12 34 56 78.\n'.repeat(110_000);
    const huge = newText + history + filler;
    expect(huge.length).toBeGreaterThan(5_000_000);
    const m = normalizeMail(body(huge));
    expect(m.text).toBe(newText);
    expect(m.truncated).toBe(true);
    expect(m.quoted.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(m.quoted).toMatch(/^-----Oprindelig meddelelse-----/u);
  });

  it('a 5 MB single-line body and a 5 MB HTML body are processed', () => {
    const oneLine = normalizeMail(body(`${newText} ${'x'.repeat(5_000_000)}`));
    expect(oneLine.truncated).toBe(true);
    expect(oneLine.text.startsWith(newText)).toBe(true);
    const html = `<html><body><p>${newText}</p>${'<div>Lorem <b>ipsum</b> <a href="https://x.dk/y">dolor</a></div>'.repeat(80_000)}</body></html>`;
    expect(html.length).toBeGreaterThan(5_000_000);
    const m = normalizeMail({ subject: null, body: null, bodyHtml: html, from: null, to: null });
    expect(m.text.startsWith(newText)).toBe(true);
    expect(m.text).toContain('Lorem ipsum dolor (x.dk)');
    expect(m.truncated).toBe(true);
  });

  it('shapes that make naive regexes backtrack finish (a blow-up would hit the test timeout)', () => {
    const shapes = [
      `On ${'x '.repeat(50_000)}`,
      `Den ${'1. '.repeat(30_000)}skrev`,
      'From: a\n'.repeat(30_000),
      '> quoted\nnew\n'.repeat(30_000),
      `${'-'.repeat(100_000)}\nFrom: x\nSent: y`,
      `Mvh ${'a'.repeat(100_000)}`,
      `<${'a'.repeat(100_000)}`,
      `${'<div>'.repeat(50_000)}text`,
      `${'Denne e-mail '.repeat(20_000)}`,
      `this e-mail ${'is '.repeat(40_000)}confidential`,
    ];
    for (const shape of shapes) {
      const m = normalizeMail(body(shape, { from: shape, to: shape, subject: shape }));
      expect(typeof m.text).toBe('string');
    }
  });
});

describe('seeded fuzzing', () => {
  it('never throws and never leaks internal markers on 400 mails built from hostile fragments', () => {
    // Deterministic PRNG (mulberry32) so a failure reproduces.
    let seed = 20241203;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const fragments = [
      'Fra: a@b.dk\n',
      'Sendt: i går\n',
      'Til: c@d.dk\n',
      'Emne: x\n',
      '> ',
      '>> ',
      '|> ',
      'On Mon, x wrote:\n',
      'Den 1. dec. skrev Y <y@z.dk>:\n',
      '-----Original Message-----\n',
      '---------- Forwarded message ---------\n',
      '-- \n',
      'Mvh\n',
      'Med venlig hilsen\n',
      'Sendt fra min iPhone\n',
      '<div>',
      '</div>',
      '<blockquote type="cite">',
      '<a href="https://kk.dk/x">',
      '</a>',
      '<script>',
      '<style>',
      '<!--',
      '&amp;',
      '&#xD800;',
      '\uD800',
      '\uDFFF',
      '\u0000',
      '\uE000Q\n',
      '\r\n',
      '\n\n',
      'æøå ÆØÅ ',
      'KÃ¸benhavn ',
      '010190-1234 ',
      '+45 12 34 56 78 ',
      'DK50 0040 0440 1162 43 ',
      'Denne e-mail er fortrolig og kun beregnet for modtageren. ',
      'If you have received this e-mail in error ',
      'x'.repeat(300),
    ];
    for (let n = 0; n < 400; n++) {
      const parts: string[] = [];
      const len = Math.floor(rand() * 60);
      for (let i = 0; i < len; i++) parts.push(fragments[Math.floor(rand() * fragments.length)] ?? '');
      const text = parts.join('');
      const asHtml = rand() < 0.3;
      const m = normalizeMail({
        subject: text.slice(0, 80),
        body: asHtml ? null : text,
        bodyHtml: asHtml ? text : null,
        from: text.slice(0, 120),
        to: [text.slice(0, 60), text.slice(60, 160)],
      });
      for (const field of [m.subject, m.text, m.quoted, m.signature]) {
        expect(field).not.toMatch(/\uE000/u);
        expect(field).not.toMatch(/\r/u);
        expect(field).toBe(field.trim());
        expect(maskPii(field).text).not.toMatch(/010190-1234|DK50 0040 0440 1162 43/u);
      }
    }
  });
});

describe('text clean-up', () => {
  it('NFC-normalises decomposed Danish letters', () => {
    const m = normalizeMail(body('Ro\u0308dovre og A\u030Arhus', { subject: 'Ny adresse i A\u030Arhus' }));
    expect(m.text).toBe('Rödovre og Århus');
    expect(m.subject).toBe('Ny adresse i Århus');
  });

  it('folds whitespace, line endings and invisible characters', () => {
    const m = normalizeMail(
      body('  Hej\u00A0\u00A0kommune,\r\n\r\n\r\n\r\n\tjeg\u200B har  et\u00ADspørgsmål.  \r\n\n\n'),
    );
    expect(m.text).toBe('Hej kommune,\n\njeg har etspørgsmål.');
  });

  it('repairs UTF-8 read as windows-1252 in a JSONL record', () => {
    const m = normalizeMail(body('Jeg bor i KÃ¸benhavn og vil sÃ¸ge om Ã¦ndring. BlÃ¥ bog. Ã˜ster Ã…by.'));
    expect(m.text).toBe('Jeg bor i København og vil søge om ændring. Blå bog. Øster Åby.');
  });

  it('leaves correct text that merely contains "Ã" alone', () => {
    const text = 'São Paulo og Ãrea — Ã¦ og æ i samme tekst';
    expect(normalizeMail(body(text)).text).toBe(text);
  });

  it('treats a plain body that is really HTML as HTML', () => {
    const m = normalizeMail(body('<div>Hej</div><div>Mit <b>skur</b> er væltet.</div><br><div>Mvh Bo</div>'));
    expect(m.text).toBe('Hej\nMit skur er væltet.');
    expect(m.signature).toBe('Mvh Bo');
  });

  it('prefers the HTML body when the plain body is empty', () => {
    const m = normalizeMail({ subject: null, body: '  ', bodyHtml: '<p>Fra HTML</p>', from: null, to: null });
    expect(m.text).toBe('Fra HTML');
  });
});

describe('signatures are cut only where a signature is', () => {
  it('keeps sentences that start like a closing', () => {
    const text =
      'Best practice er at søge i god tid.\nHilsen fra min mor, som også vil søge om tilskud til en ny rollator til hende.';
    expect(normalizeMail(body(text)).text).toBe(text);
  });

  it('"På forhånd tak" on its own line opens the signature, a sentence starting with it does not', () => {
    const m = normalizeMail(body('Hvornår tømmes containeren?\n\nPå forhånd tak\nGrethe'));
    expect(m.text).toBe('Hvornår tømmes containeren?');
    expect(m.signature).toBe('På forhånd tak\nGrethe');
    const long =
      'På forhånd tak for hjælpen med at finde ud af, hvornår containeren på Skolevej bliver tømt.';
    expect(normalizeMail(body(long)).text).toBe(long);
  });

  it('keeps a citizen writing about confidential information in the first paragraph', () => {
    const text =
      'Denne mail indeholder fortrolige oplysninger om min søn, som kun er til sagsbehandleren.\n\nHan har brug for støtte.';
    expect(normalizeMail(body(text)).text).toBe(text);
  });

  it('cuts at "Mvh." with a name, "Med venlig hilsen", and a Danish disclaimer paragraph', () => {
    expect(normalizeMail(body('Hej\nVejen er oversvømmet.\nMvh. Ib Hansen\nTlf 22 33 44 55')).text).toBe(
      'Hej\nVejen er oversvømmet.',
    );
    const m = normalizeMail(
      body(
        'Vi vedlægger fakturaen.\n\nDenne e-mail er udelukkende beregnet for modtageren og kan indeholde fortrolige oplysninger.',
      ),
    );
    expect(m.text).toBe('Vi vedlægger fakturaen.');
    expect(m.signature).toMatch(/^Denne e-mail er udelukkende beregnet/u);
  });

  it('keeps the new text when a one-line note is followed by a signature and a forward', () => {
    const m = normalizeMail(
      body(
        'FYI - til jer i Vej og Park\n\nMvh\nLis\n\nSendt fra min iPhone\n\n---------- Forwarded message ---------\nFrom: Ole <ole@x.dk>\nDate: i dag\nSubject: Hul i vejen\nTo: lis@kommune.dk\n\nDer er et hul i vejen.',
      ),
    );
    expect(m.text).toBe('FYI - til jer i Vej og Park');
    expect(m.textSource).toBe('new');
    expect(m.signature).toBe('Mvh\nLis\n\nSendt fra min iPhone');
    expect(m.quoted).toContain('Der er et hul i vejen.');
  });
});

describe('htmlToText', () => {
  it('keeps links as text and domain, drops scripts, styles and images, separates cells', () => {
    const text = htmlToText(
      '<style>p{color:red}</style><script>track()</script><p>Læs mere <a href="https://www.kk.dk/a?b=1">her</a> eller på <a href="https://kk.dk">kk.dk</a>. Skriv til <a href="mailto:a@kk.dk">os</a>.</p><img src="logo.png" alt="Logo"><table><tr><td>Navn</td><td>Jens</td></tr><tr><th>By</th><th>Køge</th></tr></table><h2>Åbningstider</h2>',
    );
    expect(text).toBe(
      'Læs mere her (kk.dk) eller på kk.dk. Skriv til os.\n\nNavn Jens\nBy Køge\n\nÅbningstider',
    );
  });

  it('formats blockquotes with ">" and never leaks internal markers', () => {
    const text = htmlToText(
      '<div>Ny tekst</div><div class="gmail_signature">Jens</div><div class="gmail_quote">Den 1. dec. skrev X:<blockquote>Gammel</blockquote></div>',
    );
    expect(text).toBe('Ny tekst\nJens\nDen 1. dec. skrev X:\n\n> Gammel');
    expect(text).not.toMatch(/\uE000/u);
  });

  it('returns an empty string for empty or non-string input', () => {
    expect(htmlToText('')).toBe('');
    expect(htmlToText(JSON.parse('null') as string)).toBe('');
  });
});
