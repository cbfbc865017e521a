import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeMail, type MailInput } from '../../src/text/index.js';

const FIXTURES = new URL('../fixtures/text/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function html(name: string, extra: Partial<MailInput> = {}): MailInput {
  return { subject: null, body: null, bodyHtml: fixture(name), from: null, to: null, ...extra };
}

function plain(name: string, extra: Partial<MailInput> = {}): MailInput {
  return { subject: null, body: fixture(name), from: null, to: null, ...extra };
}

describe('HTML-only mail', () => {
  it('Outlook on the web, Danish reply: new text kept, history, signature table and disclaimer separated', () => {
    const m = normalizeMail(html('outlook-web-reply-da.html'));
    expect(m.text).toContain('Jeg har fået en p-afgift på Amagerbrogade');
    expect(m.text).toContain('Jeg beder om at afgiften bliver annulleret.');
    // Link kept as its text and the domain it really points to (Safe Links unwrapped).
    expect(m.text).toContain('kvittering (easypark.dk)');
    expect(m.text).not.toMatch(/safelinks|https?:/u);
    // Scripts and styles dropped.
    expect(`${m.text}${m.quoted}${m.signature}`).not.toMatch(/trackOpen|margin-top|font-family/u);
    // The signature table is not the new text; its cells did not run together.
    expect(m.text).not.toContain('Tømrer ApS');
    expect(m.signature).toContain('Mette Sørensen Mobil: +45 22 33 44 55');
    // History separated, with the Outlook Danish header block and the quoted message.
    expect(m.text).not.toContain('Kontrolafgift 4471-2024');
    expect(m.quoted).toContain('Fra: Parkering Københavns Kommune <parkering@kk.dk>');
    expect(m.quoted).toContain('Emne: Kontrolafgift 4471-2024');
    expect(m.quoted).toContain('Du har modtaget en kontrolafgift. Læs mere om klageadgang på kk.dk.');
    // The disclaimer under the quoted message is neither new text nor history.
    expect(m.quoted).not.toContain('fortrolige oplysninger');
    expect(m.signature).toContain('Denne e-mail kan indeholde fortrolige oplysninger');
    expect(m.textSource).toBe('new');
  });

  it('Outlook desktop (Word HTML), English reply: From/Sent/To/Subject block starts the history', () => {
    const m = normalizeMail(html('outlook-desktop-reply-en.html'));
    expect(m.text).toBe(
      'Dear Building Department,\n\nWe still have not received the permit for the extension at Vesterbrogade 12. Could you tell us when to expect a decision?',
    );
    expect(m.signature).toMatch(/^Kind regards\n+John Smith\nNordic Architects A\/S/u);
    expect(m.quoted).toMatch(/^From: Byggesag <byggesag@kommune\.dk>\nSent: Monday, 2 December 2024 09:14/u);
    expect(m.quoted).toContain('We have received your application');
    expect(m.quoted).not.toContain('confidential');
    expect(m.text).not.toMatch(/MsoNormal|WordSection|shapedefaults/u);
  });

  it('Gmail, Danish reply: "Den ... skrev ...:" attribution and gmail_quote go to the history', () => {
    const m = normalizeMail(html('gmail-reply-da.html'));
    expect(m.text).toBe(
      'Hej Borgerservice\n\nTak for svaret. Jeg kommer og henter mit nye pas på torsdag kl. 14.',
    );
    expect(m.signature).toBe('Venlig hilsen\nAnders');
    expect(m.quoted).toMatch(
      /^Den tirs\. 3\. dec\. 2024 kl\. 10\.02 skrev Borgerservice <borgerservice@kommune\.dk>:/u,
    );
    expect(m.quoted).toContain('Dit pas er klar til afhentning.');
    // Quote markers are removed from the history.
    expect(m.quoted).not.toMatch(/^>/mu);
  });

  it('Apple Mail, Danish reply from an iPhone: "Sendt fra min iPhone" and blockquote type=cite', () => {
    const m = normalizeMail(html('apple-mail-reply-da.html'));
    expect(m.text).toBe(
      'Vi har stadig ikke fået tømt vores skraldespand på Ærøvej 7. Det er tredje uge i træk.',
    );
    expect(m.signature).toContain('Sendt fra min iPhone');
    expect(m.quoted).toContain('Vi beklager. Tømningen sker mandag.');
  });
});

describe('plain text quote styles', () => {
  it('Outlook, Danish plain text with CRLF: "____" rule and Fra/Sendt/Til/Emne', () => {
    const m = normalizeMail(plain('outlook-plain-reply-da.txt', { subject: 'SV: Kvittering for ansøgning' }));
    expect(m.subject).toBe('Kvittering for ansøgning');
    expect(m.text).toBe(
      'Hej Byggesag\n\nJeg mangler stadig svar på min ansøgning om carport (sag 2024-123456).',
    );
    expect(m.signature).toBe('Med venlig hilsen\nJens Hansen\nEngvej 3, 4600 Køge');
    expect(m.quoted).toMatch(/^_{32}\nFra: Byggesag <byggesag@kommune\.dk>\nSendt: 3\. december 2024 10:00/u);
    expect(m.quoted).toContain('Tak for din ansøgning.');
    expect(`${m.text}${m.quoted}${m.signature}`).not.toContain('\r');
  });

  it('Gmail, English: a wrapped "On ... wrote:" line and ">" quotes', () => {
    const m = normalizeMail(plain('gmail-reply-en.txt'));
    expect(m.text).toBe('Thanks - I will pay the parking fine today.');
    expect(m.quoted).toContain('On Mon, 2 Dec 2024 at 09:14, Parking Copenhagen <parking@kk.dk>\nwrote:');
    expect(m.quoted).toContain('you have received a parking fine.');
  });

  it('inline replies: ">" lines between the answers go to the history, the answers stay', () => {
    const m = normalizeMail(plain('inline-reply-en.txt'));
    expect(m.text).toBe('Hi,\n\nThe container is at Nørrebrogade 44.\n\nLast Friday.');
    expect(m.quoted).toBe('Which address is the container at?\nWhen was it placed there?');
    expect(m.signature).toBe('Regards,\nOle');
  });

  it('"-----Original Message-----" (Outlook, Enron style with tabs)', () => {
    const m = normalizeMail(plain('enron-original-message.txt'));
    expect(m.text).toBe("Jeff,\n\nI agree with the proposal. Let's discuss at the Thursday meeting.");
    expect(m.quoted).toMatch(/^-----Original Message-----\nFrom: Dasovich, Jeff\nSent: Wednesday/u);
  });

  it('Outlook header flattened onto one line', () => {
    const m = normalizeMail(plain('outlook-one-line-header.txt'));
    expect(m.text).toBe('Vi har modtaget byggeandragendet og sender det videre til sagsbehandling.');
    expect(m.quoted).toContain('Her er min ansøgning om carport på Engvej 3.');
  });

  it('"-- " signature separator and an English confidentiality notice', () => {
    const m = normalizeMail(plain('signature-dash-disclaimer-en.txt'));
    expect(m.text).toBe("Hello,\n\nPlease cancel my daughter's after-school care place from January 1st.");
    expect(m.signature).toContain('Maria Jensen');
    expect(m.signature).toContain('CONFIDENTIALITY NOTICE');
  });
});

describe('forwards', () => {
  it('nested forwards (Gmail Danish around Outlook Danish) keep the one-line note as the new text', () => {
    const m = normalizeMail(plain('nested-forward-da.txt', { subject: 'VS: VS: Klage over støj' }));
    expect(m.subject).toBe('Klage over støj');
    expect(m.text).toBe('Til rette afdeling.');
    expect(m.textSource).toBe('new');
    expect(m.quoted).toMatch(/^---------- Videresendt meddelelse ---------/u);
    expect(m.quoted).toContain('-----Oprindelig meddelelse-----');
    expect(m.quoted).toContain('Min nabo spiller høj musik hver nat');
  });

  it('a Gmail forward without a note: the forwarded message becomes the text to route', () => {
    const m = normalizeMail(plain('forward-no-note-gmail.txt'));
    expect(m.textSource).toBe('history');
    expect(m.text).toBe('Jeg vil gerne søge om en rollator til min mor, som bor på Plejecenter Solgården.');
    expect(m.quoted).toContain('From: Kirsten Berg <kirsten.berg@outlook.dk>');
  });

  it('an iPhone forward whose only own line is "Sendt fra min iPhone"', () => {
    const m = normalizeMail(plain('forward-no-note-iphone.txt'));
    expect(m.signature).toBe('Sendt fra min iPhone');
    expect(m.textSource).toBe('history');
    expect(m.text).toBe('Hvornår bliver hullet i vejen på Skolevej lappet? Det har været der i en måned.');
  });
});

describe('line endings, tabs and control characters', () => {
  // Each alone, so that text which is otherwise ASCII takes cleanLines' short path with it.
  const cases: [string, string][] = [
    ['a\r\nb\rc', 'a\nb\nc'],
    ['a\tb\x0bc\x0cd', 'a b c d'],
    ['a\x7fb', 'ab'],
    ['a\x01b\x00c', 'abc'],
    ['a\u0085b', 'a\nb'],
    ['a   b \n c', 'a b\nc'],
  ];
  const mail = (text: string): MailInput => ({ subject: text, body: text, from: null, to: null });

  it('are cleaned the same in ASCII-only text (its short path) and in text with other letters', () => {
    for (const [text, clean] of cases) {
      expect(normalizeMail(mail(text)).text, JSON.stringify(text)).toBe(clean);
      expect(normalizeMail(mail(`${text} ø`)).text, JSON.stringify(text)).toBe(`${clean} ø`);
      expect(normalizeMail(mail(text)).subject, JSON.stringify(text)).toBe(clean.replace(/\n/g, ' '));
    }
  });
});

describe('envelope fields', () => {
  it('cleans subject prefixes in Danish, English and German, repeated and numbered', () => {
    const subjects: [string, string][] = [
      ['SV: VS: Byggetilladelse', 'Byggetilladelse'],
      ['Re: RE: Fwd: FW: parking', 'parking'],
      ['AW: WG: Antrag', 'Antrag'],
      ['Re[2]: TR:   svar  på\tsag', 'svar på sag'],
      ['[EKSTERN] SV: Ansøgning', 'Ansøgning'],
      ['Resultat af vurdering', 'Resultat af vurdering'],
      ['Svar på høring', 'Svar på høring'],
    ];
    for (const [raw, clean] of subjects) {
      expect(normalizeMail({ subject: raw, body: 'x', from: null, to: null }).subject).toBe(clean);
    }
  });

  it('extracts lower-case addresses and the sender domain', () => {
    const m = normalizeMail({
      subject: null,
      body: 'x',
      from: '"Hansen, Jens (jens@old.dk)" <Jens.Hansen@Gmail.COM>',
      to: ['post@kommune.dk; "Byg, Afd" <BYG@kommune.dk>', 'post@kommune.dk', 'no address here'],
    });
    expect(m.fromAddress).toBe('jens.hansen@gmail.com');
    expect(m.fromDomain).toBe('gmail.com');
    expect(m.toAddresses).toEqual(['post@kommune.dk', 'byg@kommune.dk']);
  });

  it("keeps the sender's display name in every usual shape, and '' when there is none", () => {
    const names: [string | null, string][] = [
      ['Jens Hansen <jh@aeroe.dk>', 'Jens Hansen'],
      ['"Hansen, Jens (jens@old.dk)" <Jens.Hansen@Gmail.COM>', 'Hansen, Jens'],
      ['jsmith@foo.edu (John  Smith)', 'John Smith'],
      ['<post@kommune.dk>', ''],
      ['post@kommune.dk', ''],
      [null, ''],
    ];
    for (const [from, name] of names) {
      expect(normalizeMail({ subject: null, body: 'x', from, to: null }).fromName).toBe(name);
    }
  });

  it('passes attachments through with normalised content types', () => {
    const m = normalizeMail({
      subject: null,
      body: null,
      from: null,
      to: null,
      attachments: [{ name: 'Tegning.PDF', contentType: 'Application/PDF; name="Tegning.PDF"', size: 1234 }],
    });
    expect(m.attachments).toEqual([{ name: 'Tegning.PDF', contentType: 'application/pdf', size: 1234 }]);
  });
});

describe('replies below the quote and look-alikes of history', () => {
  it('bottom-posting: the answer under "On ... wrote:" and the ">" quote is the new text', () => {
    const m = normalizeMail({
      subject: null,
      body: 'On Mon, 2 Dec 2024 at 09:14, Skat <skat@kommune.dk> wrote:\n> Hvilken adresse drejer det sig om?\n\nDet er Engvej 3, 4600 Køge.\n\nMvh Ib',
      from: null,
      to: null,
    });
    expect(m.text).toBe('Det er Engvej 3, 4600 Køge.');
    expect(m.textSource).toBe('new');
    expect(m.quoted).toBe(
      'On Mon, 2 Dec 2024 at 09:14, Skat <skat@kommune.dk> wrote:\nHvilken adresse drejer det sig om?',
    );
    expect(m.signature).toBe('Mvh Ib');
  });

  it('mailing-list quote prefixes "|>" and "initials>" count as quotes', () => {
    const m = normalizeMail({
      subject: null,
      body: 'jens@x.dk (Jens) writes:\n|> Er der åbent i dag?\njh> Og i morgen?\n\nJa, begge dage til kl. 18.',
      from: null,
      to: null,
    });
    expect(m.text).toBe('Ja, begge dage til kl. 18.');
    expect(m.quoted).toContain('Er der åbent i dag?\nOg i morgen?');
  });

  it('a memo with its own "From:" and "Subject:" lines is not history', () => {
    const text =
      'Til alle medarbejdere\n\nFrom: Borgmesterens kontor\n\nSubject: Ny politik for hjemmearbejde\n\nFra 1. januar gælder en ny politik.';
    const m = normalizeMail({ subject: null, body: text, from: null, to: null });
    expect(m.text).toBe(text);
    expect(m.quoted).toBe('');
  });

  it('the word "disclaimer" inside a paragraph does not make it one', () => {
    const text =
      'Hej\n\nAs a standard disclaimer I would add that the files are untested.\n\nThe rest follows.';
    expect(normalizeMail({ subject: null, body: text, from: null, to: null }).text).toBe(text);
  });
});
