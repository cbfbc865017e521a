import type { Template } from '../context.js';

export const dagtilbud: Template[] = [
  (c) => {
    const child = c.child();
    return {
      subject: c.pick([
        'Vuggestueplads',
        'Skrivning op til vuggestue',
        'Pladsanvisning',
        'Plads i vuggestue',
        'pasning efter barsel',
      ]),
      body: `${c.pick(['Vores datter', 'Vores søn', 'Min lille'])} ${child.first} ${c.pick(['er født ' + c.date(-300, -60), 'er ' + child.age])}${c.maybe(0.4, ` (cpr ${child.cpr})`)}. ${c.pick(
        [
          'Vi vil gerne skrive hende op til vuggestue fra ' + c.date(60, 180) + '.',
          'Jeg starter på arbejde efter barsel og har brug for pasning fra ' + c.date(30, 120) + '.',
          'Vi ønsker plads i Myretuen eller Solsikken.',
          'Hvor lang er ventelisten til vuggestue i Nørre Fjordby?',
        ],
      )}`,
    };
  },
  (c) => {
    const child = c.child();
    return {
      subject: c.pick(['Overflytning til børnehave', 'Børnehave', 'Skifte børnehave', 'Børnehaveplads']),
      body: `${child.first} fylder 3 år ${c.date(20, 120)} og skal ${c.pick(['flyttes fra dagplejen til børnehave', 'i børnehave', 'skifte børnehave fordi vi er flyttet'])}. ${c.pick(
        [
          'Vi ønsker Skovmusen som første prioritet.',
          'Hvornår får vi besked om plads?',
          'Kan han blive i vuggestuen en måned længere?',
        ],
      )}`,
    };
  },
  (c) => ({
    subject: c.pick(['Dagpleje', 'Gæstedagpleje', 'Dagplejer syg', 'Dagplejen lukket']),
    body: `${c.pick(['Vores dagplejer er syg', 'Dagplejeren holder ferie i uge 30', 'Vi er ikke glade for gæstedagplejen'])} og ${c.pick(
      [
        'vi har brug for pasning',
        'vores søn græder hver morgen ved aflevering',
        'vi ved ikke hvor han skal passes',
      ],
    )}. ${c.pick(['Hvad gør vi?', 'Kan han komme i gæstedagpleje et andet sted?', 'Kan vi tale med dagplejepædagogen?'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Fripladstilskud',
      'Ansøgning om økonomisk friplads',
      'Ændret indkomst - friplads',
      'Fripladstilskud og søskendetilskud',
    ]),
    body: `${c.pick(['Jeg er alenemor', 'Min indkomst er faldet', 'Vi er blevet skilt', 'Jeg er studerende'])} og ${c.pick(
      [
        'vil gerne søge fripladstilskud til vores to børn i børnehave',
        'vil høre om vi kan få økonomisk friplads',
        'har ikke fået søskendetilskud selvom begge børn går i institution',
      ],
    )}. ${c.pick(['Hvor søger man?', 'Skal jeg sende lønsedler?', 'Forældrebetalingen er svær at betale.'])}`,
  }),
  (c) => {
    const child = c.child();
    return {
      subject: c.pick(['Opsigelse af plads', 'Udmeldelse af vuggestue', 'Opsigelse af dagplejeplads']),
      body: `Vi opsiger ${child.first}s plads ${c.pick(['i vuggestuen', 'i dagplejen', 'i børnehaven'])} pr. ${c.date(30, 90)} ${c.pick(['da vi flytter til Aarhus', 'da han starter i skole', 'da vi har fået privat pasning'])}. ${c.pick(['Hvad er opsigelsesvarslet?', 'Bekræft venligst opsigelsen.', ''])}`,
    };
  },
  (c) => ({
    subject: c.pick(['Forældrebetaling', 'Takster for børnehave', 'Betaling for vuggestue']),
    body: `${c.pick(['Hvad koster en vuggestueplads', 'Hvorfor er taksten for børnehave steget', 'Skal vi betale for vuggestuen i juli'])}? ${c.pick(['Vi har fået opkrævning på ' + c.amount(1800, 4200) + '.', 'Pladsen starter først midt i måneden.', ''])}`,
  }),
  (c) => ({
    subject: c.pick(['Pasningsgaranti', 'Ingen plads i vuggestue', 'Pasningsgaranti overholdes ikke']),
    body: `Vi har søgt plads til vores ${c.pick(['datter', 'søn'])} med start ${c.date(10, 40)}, men har fået at vide at der ikke er plads i ${c.pick(['Nørre Fjordby', 'Ulvsbjerg', 'vores område'])}. ${c.pick(['Hvad med pasningsgarantien?', 'Vi kan ikke køre 20 km til en anden institution.', 'Vi skal begge arbejde.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Tilskud til privat pasning', 'Privat børnepasser', 'Pasning af eget barn']),
    body: `${c.pick(['Vi vil gerne have tilskud til privat pasning', 'Kan man få tilskud til pasning af eget barn', 'Vores au pair skal passe børnene'])}. ${c.pick(['Hvilke krav er der?', 'Hvordan ansøger vi?', 'Hvor meget udgør tilskuddet?'])}`,
  }),
  (c) => {
    const child = c.child();
    return {
      subject: c.pick([
        'Klage over vuggestuen',
        'Utilfreds med børnehaven',
        'Bekymring - institution',
        'Normering i vuggestuen',
      ]),
      body: `Vi er ${c.pick(['bekymrede over', 'utilfredse med', 'kede af'])} forholdene i ${c.pick(['vuggestuen', 'børnehaven', 'dagplejen'])}, hvor ${child.first} går. ${c.pick(
        [
          'Der er mange vikarer, og vores barn kender næsten ingen af de voksne.',
          'Barnet er kommet hjem med skrammer flere gange, uden at vi har fået besked.',
          'Der er for få pædagoger om eftermiddagen.',
        ],
      )} ${c.pick(['Vi har talt med lederen, men intet er sket.', 'Hvem i forvaltningen kan vi tale med?', 'Kan vi få flyttet barnet til en anden institution?'])}`,
    };
  },
  (c) => ({
    subject: c.pick(['Daycare place', 'Kindergarten for our son', 'Waiting list nursery']),
    english: true,
    body: `${c.pick([
      `We moved to Fjordby and need a nursery place for our daughter (${c.int(8, 20)} months) from ${c.englishDate(30, 90)}.`,
      'How do we sign up our son for kindergarten? He turns three in the autumn.',
      'Is there an English speaking kindergarten in the municipality?',
    ])}`,
  }),
];
