import type { Template } from '../context.js';

export const skat: Template[] = [
  (c) => ({
    subject: c.pick([
      'Ejendomsskat',
      'Ejendomsskattebillet',
      'Grundskyld for høj',
      'Spørgsmål til ejendomsskat',
      'ejendomsskat stiger',
    ]),
    body: `${c.pick(['Vores ejendomsskat', 'Grundskylden på min ejendom', 'Ejendomsskatten for ' + c.person.street])} er steget til ${c.amount(8000, 32000, 1)} om året. ${c.pick(
      [
        'Kan I forklare hvordan beløbet er regnet ud?',
        'Er det rigtigt at den skal betales i to rater?',
        'Vi har ikke fået ejendomsskattebilletten i Digital Post.',
        'Hvordan klager man over grundværdien?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Rykker',
      'Rykkerskrivelse',
      'Modtaget rykker',
      'rykker modtaget - har betalt',
      'Rykkergebyr',
    ]),
    body: `${c.pick(['Jeg har modtaget en rykker', 'Vi har fået en rykker med gebyr', 'Der er kommet en rykker'])} på ${c.amount(300, 15000)} ${c.pick(['for ejendomsskat', 'fra kommunens opkrævning', 'for 2. rate', ''])}. ${c.pick(
      [
        'Beløbet blev betalt ' + c.date(-20, -2) + ', så rykkeren må være en fejl.',
        'Jeg har ikke modtaget den oprindelige opkrævning.',
        'Kan rykkergebyret frafaldes?',
        'Hvorfor er der lagt gebyr på når jeg har betalt til tiden?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Betalingsaftale',
      'Anmodning om betalingsaftale',
      'Afdragsordning',
      'Kan jeg betale i rater?',
    ]),
    body: `${c.pick(['Jeg har en restance hos kommunen på', 'Jeg skylder kommunen', 'Jeg har fået brev om en restance på'])} ${c.amount(2000, 40000)}. ${c.pick(
      [
        'Jeg kan ikke betale det hele på én gang og vil gerne lave en betalingsaftale.',
        'Kan jeg betale 500 kr. om måneden?',
        'Min økonomi er presset efter en skilsmisse, så jeg beder om en afdragsordning.',
      ],
    )}${c.maybe(0.4, () => `\nCPR ${c.cpr()}`)}`,
  }),
  (c) => ({
    subject: c.pick([
      'Opkrævning',
      'Forkert opkrævning',
      'Dobbeltbetaling',
      'Tilbagebetaling',
      'betalt to gange',
    ]),
    body: `${c.pick([
      'Jeg har ved en fejl betalt opkrævningen to gange',
      'Opkrævningen er på et forkert beløb',
      'Jeg har fået en opkrævning på en ejendom jeg har solgt',
    ])}. ${c.pick([
      'Beløbet på ' + c.amount(500, 12000) + ' bedes tilbagebetalt til min NemKonto.',
      'Kan I sende en ny opkrævning?',
      'Ejendommen blev overtaget af køber ' + c.date(-120, -30) + '.',
    ])}`,
  }),
  (c) => {
    const { sender } = c.firmSender('inkasso');
    return {
      subject: c.pick([
        `Vores sagsnr. ${c.int(100000, 999999)}`,
        'Henvendelse vedr. restance',
        'Anmodning om saldo',
        'Forespørgsel om skyldner',
      ]),
      body: `Vi repræsenterer ${c.pick(['en kreditor', 'vores klient', 'en udlejer'])} i en sag mod ${c.person.name}, ${c.person.address}. ${c.pick(
        [
          'Vi beder om oplysning om kommunens krav og saldo på restancen.',
          'Kommunen bedes oplyse om der er indgået betalingsaftale med skyldner.',
          'Vi skal høre om kommunens fordring har fortrinsret i forhold til udlæg i ejendommen.',
        ],
      )}`,
      sender,
    };
  },
  (c) => {
    const { sender } = c.firmSender('advokat');
    return {
      subject: c.pick([
        `Restanceoplysninger ${c.person.street}`,
        'Skyldige ejendomsskatter ved salg',
        'Forespørgsel om restancer',
      ]),
      body: `I forbindelse med ${c.pick(['salg', 'tvangsauktion', 'dødsboets salg'])} af ${c.person.address} beder vi om oplysning om eventuelle restancer på ejendomsskat og andre kommunale krav, som har pant i ejendommen. ${c.pick(['Overtagelsesdagen er ' + c.date(15, 60) + '.', 'Vi beder om svar inden for 8 dage.', ''])}`,
      sender,
    };
  },
  (c) => ({
    subject: c.pick([
      'Lån til betaling af ejendomsskat',
      'Indefrysning',
      'Udskydelse af ejendomsskat - pensionist',
    ]),
    body: `${c.pick(['Jeg er pensionist', 'Min far på 79 år', 'Vi er begge folkepensionister'])} og ${c.pick(['har svært ved at betale ejendomsskatten', 'vil gerne søge om lån til betaling af ejendomsskat', 'har hørt man kan få indefrosset grundskylden'])}. ${c.pick(['Hvordan søger man?', 'Hvad koster lånet i rente?', 'Er der en blanket?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Dødsbo - restance', 'Gæld efter min mors død', 'Kommunalt krav i dødsbo']),
    body: `Min ${c.pick(['mor', 'far', 'onkel'])} er død og jeg er bobestyrer. Der er kommet en opkrævning på ${c.amount(1000, 20000)} fra kommunen. ${c.pick(['Skal boet betale, og kan det vente til boet er gjort op?', 'Kan I sende en saldoopgørelse?', 'Hvor skal betalingen sendes hen?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Betalingsservice', 'Tilmelding til betalingsservice', 'Opkrævning ikke trukket']),
    body: `${c.pick([
      'Jeg vil gerne have ejendomsskatten tilmeldt Betalingsservice',
      'Opkrævningen blev ikke trukket på Betalingsservice i denne måned',
      'Hvad er kreditornummer og debitorgruppe for ejendomsskatten',
    ])}${c.pick(['.', '?'])} ${c.pick([`Kundenummer ${c.int(100000, 9999999)}.`, '', 'Banken siger det er kommunen der skal sende den.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Inddrivelse', 'Restance sendt til inddrivelse', 'Modregning']),
    body: `${c.pick(['Jeg har fået brev om at min restance er sendt til Gældsstyrelsen', 'Der er modregnet i min udbetaling', 'Kommunen har trukket penge fra min overskydende skat'])}. ${c.pick(['Hvad er det for et krav?', 'Jeg vil gerne se en specifikation.', 'Jeg mener kravet er betalt.'])}`,
  }),
  (c) => {
    const { sender } = c.firmSender('bank');
    return {
      subject: c.pick([
        'Forespørgsel om restancer - refinansiering',
        `Kommunale restancer ${c.person.street}`,
        'Restanceoplysning til lånesag',
      ]),
      body: `Vores kunde ${c.person.name} ønsker at omlægge sit lån i ejendommen ${c.person.address}. ${c.pick(
        [
          'Vi beder om oplysning om eventuelle restancer på ejendomsskat og renovation.',
          'Kan kommunen bekræfte, at der ikke er ubetalte ejendomsskatter med pant i ejendommen?',
        ],
      )} ${c.pick(['Kundens samtykke er vedhæftet.', 'Svar gerne inden en uge.', ''])}`,
      sender,
      attachments: c.chance(0.6) ? ['samtykke.pdf'] : [],
    };
  },
  (c) => ({
    subject: c.pick(['Property tax', 'Payment reminder', 'Property tax instalments']),
    english: true,
    body: `${c.pick([
      `I received a payment reminder for property tax of ${c.amount(2000, 12000)}. I do not read Danish well, can you explain what it is for?`,
      'Can we pay the property tax in monthly instalments instead of twice a year?',
      'We bought the house in the spring. Why do we get the property tax bill for the whole year?',
    ])}`,
  }),
];
