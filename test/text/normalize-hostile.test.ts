import { convert } from 'html-to-text';
import { describe, expect, it } from 'vitest';
import { htmlToPlainText, htmlToText, linkDomain, normalizeMail } from '../../src/text/index.js';

// HTML built to make the conversion slow, throw, or leave text out where a mail client shows it.

function fromHtml(bodyHtml: string) {
  return normalizeMail({ subject: null, body: null, bodyHtml, from: null, to: null });
}

describe('nested blockquotes and lists', () => {
  it('prefixes eight levels of nested blockquotes with ">" and quotes deeper levels as the eighth', () => {
    const lines = htmlToText(`<p>Svar</p>${'<blockquote>niveau'.repeat(12)}`).split('\n');
    expect(lines[0]).toBe('Svar');
    expect(lines.filter((l) => l.endsWith('niveau'))).toEqual(
      Array.from({ length: 12 }, (_, i) => `${'> '.repeat(Math.min(i + 1, 8))}niveau`),
    );
  });

  it('keeps quoted-reply detection: the reply above nested blockquotes is the text, every level is history', () => {
    const m = fromHtml(`<p>Tak for svaret.</p>${'<blockquote>Tidligere<br>'.repeat(12)}`);
    expect(m.text).toBe('Tak for svaret.');
    expect(m.textSource).toBe('new');
    expect(m.quoted.split('\n').filter((l) => l !== '')).toEqual(Array(12).fill('Tidligere'));

    // The fuzzing case: 399 levels of 60 lines each (124 KB).
    const deep = fromHtml(`<p>Tak for svaret.</p>${('<blockquote>' + 'x<br>'.repeat(60)).repeat(399)}`);
    expect(deep.text).toBe('Tak for svaret.');
    expect(new Set(deep.quoted.split('\n').filter((l) => l !== ''))).toEqual(new Set(['x']));
  });

  it('indents eight levels of nested lists and puts the items of deeper ones on lines of their own', () => {
    const lines = htmlToText('<ul><li>punkt'.repeat(12)).split('\n');
    expect(lines.map((l) => l.trim())).toEqual([...Array(8).fill('* punkt'), ...Array(4).fill('punkt')]);
  });

  it('numbers an <ol type="i"> in decimal where Roman numerals would pass 3999, and converts the rest as usual', () => {
    expect(
      htmlToText(
        '<p>Se <a href="https://kk.dk/x">her</a></p><ol type="i" start="10000"><li>Byggesag</li><li>Vej</li></ol>',
      ),
    ).toBe('Se her (kk.dk)\n\n 10000. Byggesag\n 10001. Vej');
    expect(htmlToText('<ol type="I" start="3998"><li>a</li><li>b</li><li>c</li></ol>')).toBe(
      '3998. a\n 3999. b\n 4000. c',
    );
    expect(htmlToText('<ol type="i" start="3"><li>a</li><li>b</li></ol>')).toBe('iii. a\n iv.  b');
  });
});

describe('Outlook Safe Links', () => {
  const wrap = (url: string): string =>
    `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}&data=05%7C02`;

  it('unwraps a link wrapped by up to three tenants, whatever dot the host name is written with', () => {
    expect(linkDomain(wrap('https://www.kk.dk/x'))).toBe('kk.dk');
    expect(linkDomain(wrap(wrap('https://www.kk.dk/x')))).toBe('kk.dk');
    expect(linkDomain(wrap(wrap(wrap('https://www.kk.dk/x'))))).toBe('kk.dk');
    for (const dot of ['\u3002', '\uFF0E', '%EF%BC%8E']) {
      const outer = `https://eur01.safelinks${dot}protection.outlook.com/?url=`;
      expect(linkDomain(outer + encodeURIComponent(wrap('https://kk.dk/x')))).toBe('kk.dk');
    }
  });

  it('stops unwrapping after three levels', () => {
    expect(linkDomain(wrap(wrap(wrap(wrap('https://kk.dk/x')))))).toBe(
      'eur01.safelinks.protection.outlook.com',
    );
    // The fuzzing case: 2,900 levels in a 128 KB href.
    const href = `${'http:a.safelinks\u3002protection.outlook.com?url='.repeat(2900)}http:x.dk`;
    expect(linkDomain(href)).toBe('a.safelinks.protection.outlook.com');
    expect(fromHtml(`<a href="${href}">Læs mere</a>`).text).toBe(
      'Læs mere (a.safelinks.protection.outlook.com)',
    );
  });
});

describe('HTML nested deeper than html-to-text descends', () => {
  it('keeps the text behind tags that the depth count used to miss', () => {
    const hidden = [
      '<x_x>'.repeat(460),
      `<${'a'.repeat(32)}>`.repeat(460),
      '<ul><li>'.repeat(300),
      '<div/>'.repeat(460),
      '<div></span>'.repeat(460),
      '<div><textarea></div></textarea>'.repeat(460),
      '<div title="<">'.repeat(460),
    ];
    for (const html of hidden)
      expect(fromHtml(`${html}Hej med dig`).text, html.slice(0, 40)).toMatch(/Hej med dig$/u);
  });
});

describe('elements dropped before conversion', () => {
  it('drops only what a mail client would not show either', () => {
    const shown = [
      '<p>Start</p><style-x>a</style-x><p>Skjult tekst</p>',
      '<p>Start</p><xml-x>a</xml-x><p>Skjult tekst</p>',
      '<style>p{color:red}</style x><p>Skjult tekst</p>',
      '<html><head><meta charset="utf-8"><body><p>Skjult tekst</p></body></html>',
      '<html><head><meta charset="utf-8"><body><p>Skjult tekst</p></body></head></html>',
      '<xml><p>Skjult tekst</p>',
    ];
    for (const html of shown) expect(fromHtml(html).text, html).toMatch(/Skjult tekst$/u);
    expect(fromHtml('<p>Hej</p><style>p{color:red}</style><script>x()</script><title>T</title>').text).toBe(
      'Hej',
    );
  });
});

describe('htmlToPlainText', () => {
  it("lays out ordinary mail as html-to-text's defaults do, without images", () => {
    const html =
      '<html><head><style>p{margin:0}</style></head><body><h2>Byggesag</h2><p>Se <a href="https://kk.dk/a">her</a>.<img src="logo.png" alt="Logo"></p>' +
      '<ul><li>en</li><li>to<ol type="i"><li>a</li></ol></li></ul><table><tr><th>Navn</th><td>Jens</td></tr></table>' +
      '<blockquote>Gammel<blockquote>Ældre</blockquote></blockquote></body></html>';
    expect(htmlToPlainText(html)).toBe(
      convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] }).trim(),
    );
  });

  it('never throws, and keeps the text, on HTML that makes html-to-text throw', () => {
    expect(htmlToPlainText(`${'<div>'.repeat(2500)}hi`)).toBe('hi');
    expect(htmlToPlainText('<ol type="i" start="10000"><li>x</li></ol>')).toBe('10000. x');
    expect(htmlToPlainText('<div>'.repeat(200_000))).not.toContain('\uE000');
    expect(htmlToPlainText('<blockquote>x'.repeat(800)).match(/x/gu)).toHaveLength(800);
    const quotes = htmlToPlainText('<blockquote>x'.repeat(300)).split('\n');
    expect(quotes.filter((l) => l.endsWith('x'))).toHaveLength(300);
    expect(quotes.every((l) => /^(?:> ){1,8}x?$/u.test(l))).toBe(true);
  });
});
