import type { Template } from '../context.js';

export const affald: Template[] = [
  (c) => ({
    subject: c.pick([
      'Storskrald',
      'Afhentning af storskrald',
      'Bestilling af storskrald',
      'storskrald ikke hentet',
      'Hvornår henter I storskrald?',
    ]),
    body: `${c.pick([
      `Vi har bestilt storskrald til ${c.date(-5, 10)}`,
      'Hvordan bestiller jeg afhentning af storskrald',
      'Vores storskrald står stadig ved vejen',
      `Kan I hente ${c.pick(['en gammel sofa', 'et køleskab', 'en madras og to stole', 'en vaskemaskine'])} som storskrald`,
    ])}${c.pick(['.', '?'])} ${c.pick([
      'Det er blevet stående i over en uge.',
      'Må elektronik stilles ud sammen med møblerne?',
      'Kan det hentes inden vi flytter?',
      '',
    ])}${c.maybe(0.4, `\nAdresse: ${c.person.address}`)}`,
  }),
  (c) => ({
    subject: c.pick([
      'Tømning glemt',
      'Skraldespanden er ikke tømt',
      'Manglende tømning',
      'Glemt tømning af madaffald',
      'skraldet er ikke hentet',
      'Ingen afhentning i dag',
    ]),
    body: `${c.pick(['Vores', 'Min', 'Hele vejens'])} ${c.pick(['skraldespand', 'beholder til rest- og madaffald', 'papirbeholder', 'container til plast og metal', 'affaldsbeholder'])} blev ikke tømt ${c.pick(['i dag', 'i går', 'mandag', 'denne uge'])}${c.maybe(0.5, ` på ${c.person.street}`)}. ${c.pick(
      [
        'Den stod ude ved fortovet som den skulle.',
        'Det er tredje gang det sker.',
        'Kan I komme forbi og tømme den?',
        'Nu lugter det og der er fluer.',
      ],
    )}`,
  }),
  (c) => {
    const [subject, problem] = c.pick([
      [
        c.pick(['Låget er knækket', 'Ødelagt skraldespand']),
        'Skraldebilen har knækket låget på vores beholder',
      ],
      [c.pick(['Beholder stjålet', 'Skraldespanden er væk']), 'Vores affaldsbeholder er forsvundet'],
      [
        c.pick(['Større beholder', 'Ny affaldsbeholder']),
        'Vi er blevet seks personer og har brug for en større beholder til restaffald',
      ],
      [c.pick(['Ødelagt skraldespand', 'Hjul på beholder']), 'Hjulet er faldet af vores skraldespand'],
    ] as const);
    return {
      subject,
      body: `${problem}. ${c.pick(['Kan vi få en ny?', 'Koster det noget at bytte?', 'Hvornår kan den leveres?'])}${c.maybe(0.5, `\n${c.person.address}`)}`,
      attachments: c.chance(0.25) ? ['beholder.jpg'] : [],
    };
  },
  (c) => ({
    subject: c.pick([
      'Genbrugspladsen',
      'Åbningstider genbrugsplads',
      'Genbrugsplads med trailer',
      'Adgang til genbrugspladsen for firma',
    ]),
    body: `${c.pick([
      'Hvad er åbningstiderne på genbrugspladsen i Ulvsbjerg i julen',
      'Må jeg køre på genbrugspladsen med en lånt varebil',
      'Må man aflevere eternitplader på genbrugspladsen',
      'Jeg har et lille firma, skal jeg betale for at aflevere affald på genbrugspladsen',
    ])}? ${c.pick(['Tak for hjælpen.', 'Det står ikke på hjemmesiden.', ''])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Haveaffald',
      'Tilmelding til haveaffald',
      'Haveaffaldsbeholder',
      'Afhentning af grene',
      'haveaffald ordning',
    ]),
    body: `${c.pick([
      'Vi vil gerne tilmelde os ordningen med haveaffald',
      'Hvornår starter afhentning af haveaffald igen',
      'Må man lægge grene og juletræer i haveaffaldsbeholderen',
      'Vores haveaffald blev ikke hentet i sidste uge',
    ])}${c.pick(['.', '?'])} ${c.pick(['Vi bor på ' + c.person.street + '.', 'Hvad koster det om året?', 'Kan sække også bruges?'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Affaldsgebyr',
      'Spørgsmål til renovationsgebyr',
      'Tømningsinterval',
      'Hver 14. dag eller hver uge?',
    ]),
    body: `${c.pick([
      'Kan vi skifte til tømning hver 4. uge, vi er kun to og beholderen er aldrig fuld',
      'Hvorfor er renovationsgebyret steget så meget',
      'Vi betaler affaldsgebyr for to beholdere men har kun én',
    ])}? ${c.pick(['Det står på ejendomsskattebilletten.', 'Jeg bor alene.', `Adressen er ${c.person.address}.`])}`,
  }),
  (c) => ({
    subject: c.pick(['Farligt affald', 'Asbest', 'Maling og kemikalier', 'Batterier og sprayflasker']),
    body: `${c.pick([
      'Hvordan skiller jeg mig af med gamle malingsrester og terpentin',
      'Vi har fundet asbestholdige plader i skuret, hvordan skal de afleveres',
      'Hvor afleverer man batterier og lysstofrør',
      'Kan miljøboksen hentes ved huset',
    ])}? ${c.pick(['Vi har ikke bil.', 'Det er ca. 20 plader.', ''])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Skraldemanden',
      'Beholderen efterladt på vejen',
      'Skraldebilen kører for hurtigt',
      'Fejlsortering?',
    ]),
    body: `${c.pick([
      'Skraldemændene satte vores beholder midt på fortovet',
      'Vi har fået et klistermærke om fejlsortering, men vi sorterer som vi skal',
      'Skraldebilen kører alt for stærkt på vores lille vej',
      'Beholderen blev smidt ned ad indkørslen og låget gik i stykker',
    ])}. ${c.pick(['Kan I tale med renovatøren?', 'Hvad betyder det gule mærke?', 'Der leger børn på vejen.'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Sortering af plast',
      'Hvad må i papbeholderen?',
      'Sorteringsvejledning',
      'madaffald poser',
    ]),
    body: `${c.pick([
      'Må pizzabakker komme i pap',
      'Hvor skal tom mælkekarton sorteres',
      'Vi mangler grønne poser til madaffald, hvor kan vi få dem',
      'Skal plast skylles før det kommer i plastbeholderen',
    ])}? ${c.pick(['Sorteringsguiden siger ikke noget.', '', 'Naboerne er uenige.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Tømning i sommerhus', 'Sommerhus affald', 'Renovation sommerhusområde']),
    body: `Vi har sommerhus på ${c.person.street} i Lystrup Strand. ${c.pick([
      'Hvornår er der ugentlig tømning i sommerperioden?',
      'Kan vi få tømning hele året?',
      'Beholderen er ikke tømt siden påske.',
    ])}`,
  }),
  (c) => {
    const { sender } = c.firmSender('boligforening');
    return {
      subject: c.pick([
        'Ekstra tømning - afdeling ' + String(c.int(1, 30)),
        'Containere til vores afdeling',
        'Storskraldsrum fyldt',
        'Affaldsløsning for boligforeningen',
      ]),
      body: `Vi administrerer ${c.pick(['en afdeling', 'to blokke'])} med ${c.int(24, 120)} lejligheder på ${c.person.street}. ${c.pick(
        [
          'Containerne til pap og plast er fyldt længe før tømning. Kan vi få tømning hver uge i stedet for hver 14. dag?',
          'Storskraldsrummet er fyldt, og vi vil gerne bestille en ekstra afhentning.',
          'Vi ønsker at skifte til nedgravede containere og vil høre hvad kommunen kræver.',
          'Beboerne sorterer forkert, kan I levere nye klistermærker og sorteringsvejledninger?',
        ],
      )}`,
      sender,
    };
  },
  (c) => ({
    subject: c.pick(['Bulky waste', 'Bin not emptied', 'Recycling centre']),
    english: true,
    body: `${c.pick([
      `Our bin at ${c.person.street} was not emptied this week. It was standing by the road as usual.`,
      'How do I book a pick-up of bulky waste? We have an old sofa and a mattress.',
      'What are the opening hours of the recycling centre, and can I bring garden waste?',
    ])}`,
  }),
];
