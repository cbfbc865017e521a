import type { Template } from '../context.js';

export const beskaeftigelse: Template[] = [
  (c) => ({
    subject: c.pick([
      'Samtale i jobcentret',
      'Flytning af samtale',
      'Kan ikke komme til samtale',
      'Aflysning af møde i jobcenter',
      'mødet på torsdag',
    ]),
    body: `Jeg er indkaldt til ${c.pick(['samtale', 'jobsamtale', 'møde med min sagsbehandler', 'CV-samtale'])} i jobcentret ${c.date(1, 10)}, men ${c.pick(
      [
        'jeg er syg',
        'jeg skal til jobsamtale hos en arbejdsgiver samme dag',
        'mit barn skal opereres',
        'jeg har fået arbejde på prøve den dag',
      ],
    )}. ${c.pick(['Kan vi finde en ny tid?', 'Kan samtalen holdes telefonisk?', 'Mister jeg min ydelse hvis jeg ikke kommer?'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Kontanthjælp',
      'Ansøgning om kontanthjælp',
      'Kontanthjælp ikke udbetalt',
      'Hvornår får jeg kontanthjælp?',
      'kontanthjælp mangler',
    ]),
    body: `${c.pick([
      'Jeg har søgt kontanthjælp for 3 uger siden og har ikke hørt noget',
      'Min kontanthjælp er ikke kommet ind på kontoen',
      'Jeg er blevet opsagt og har ikke ret til dagpenge, kan jeg få kontanthjælp',
      'Min kontanthjælp er blevet sat ned uden forklaring',
    ])}${c.pick(['.', '?'])} ${c.pick(['Jeg kan ikke betale min husleje.', 'Hvad skal jeg sende af papirer?', 'Hvem er min sagsbehandler?'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Sygemelding',
      'Sygedagpenge',
      'Oplysningsskema sygedagpenge',
      'Jeg er sygemeldt',
      'sygedagpenge stoppet',
    ]),
    body: `${c.pick([
      `Jeg har været sygemeldt siden ${c.date(-60, -7)} med ${c.pick(['stress', 'en diskusprolaps', 'et brækket ben', 'depression'])}`,
      'Mine sygedagpenge er stoppet efter 22 uger',
      'Jeg har fået et oplysningsskema om sygedagpenge, men kan ikke logge ind',
    ])}. ${c.pick([
      'Hvornår skal jeg til opfølgningssamtale?',
      'Kan jeg få forlænget sygedagpengene?',
      'Min læge siger jeg skal starte op på nedsat tid.',
    ])}`,
  }),
  (c) => {
    const { sender } = c.firmSender('employer');
    return {
      subject: c.pick([
        'Refusion af sygedagpenge',
        'Sygemeldt medarbejder',
        'Fastholdelse af medarbejder',
        'Delvis raskmelding',
      ]),
      body: `Vores medarbejder ${c.person.name} har været sygemeldt i ${c.int(3, 12)} uger. ${c.pick([
        'Vi har søgt refusion af sygedagpenge, men har ikke fået noget.',
        'Vi vil gerne lave en fastholdelsesplan og høre om muligheden for delvis genoptagelse.',
        'Kan jobcentret hjælpe med et §56-aftale, da medarbejderen har kronisk sygdom?',
      ])}`,
      sender,
    };
  },
  (c) => {
    const { sender } = c.firmSender('employer');
    return {
      subject: c.pick([
        'Virksomhedspraktik',
        'Løntilskud',
        'Vi søger medarbejder',
        'Praktikplads til ledig',
        'Samarbejde med jobcentret',
      ]),
      body: `${c.pick(['Vi mangler', 'Vi vil gerne ansætte', 'Vi kan tilbyde praktik til'])} ${c.pick(['en lagermedarbejder', 'to medhjælpere i butikken', 'en bagerlærling', 'en smed', 'en chauffør'])} ${c.pick(['og vil høre om løntilskud', 'i virksomhedspraktik', 'og vil gerne høre om jobcentret har ledige kandidater', 'med opstart ' + c.date(14, 60)])}. ${c.pick(['Ring gerne til mig.', 'Hvordan kommer vi i gang?', 'Vi har gode erfaringer med det fra tidligere.'])}`,
      sender,
    };
  },
  (c) => ({
    subject: c.pick([
      'Dagpenge',
      'Ledig - hvad nu?',
      'Ferie som ledig',
      'Jobsøgning og joblog',
      'Min joblog virker ikke',
    ]),
    body: `${c.pick([
      'Jeg er blevet ledig og er medlem af en a-kasse. Skal jeg også melde mig i jobcentret',
      'Jeg vil gerne holde ferie i 2 uger mens jeg er ledig, hvad skal jeg gøre',
      'Min joblog på Jobnet kan ikke gemmes',
      'Jeg har fået job og skal afmeldes som ledig',
    ])}${c.pick(['.', '?'])} ${c.pick(['Jeg modtager dagpenge.', 'Jobnet siger der er en fejl.', `Jeg starter ${c.date(3, 30)}.`])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Ressourceforløb',
      'Jobafklaring',
      'Fleksjob',
      'Rehabiliteringsteam',
      'Ansøgning om fleksjob',
    ]),
    body: `${c.pick(['Jeg er i jobafklaringsforløb', 'Jeg venter på at min sag kommer på rehabiliteringsteamet', 'Jeg er visiteret til fleksjob', 'Jeg har været i ressourceforløb i to år'])}. ${c.pick(
      [
        'Hvornår sker der noget i min sag?',
        'Jeg har fundet en arbejdsgiver der vil ansætte mig 12 timer om ugen.',
        'Jeg har ikke hørt fra min sagsbehandler i 3 måneder.',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['Uddannelseshjælp', 'Ung uden job', 'Min søn på 19 har ingen uddannelse']),
    body: `${c.pick(['Jeg er 20 år', 'Min søn er 19', 'Min datter er droppet ud af gymnasiet'])} og ${c.pick(['har ikke noget arbejde', 'vil gerne i gang med en uddannelse', 'har brug for hjælp til at komme videre'])}. ${c.pick(['Kan man få uddannelseshjælp?', 'Hvem i jobcentret skal vi kontakte?', 'Er der et ungeforløb?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Danskuddannelse', 'Integrationsprogram', 'Sprogskole og job']),
    body: `${c.pick(['Jeg går på sprogskole', 'Min mand er i integrationsprogram', 'Jeg er kommet til Danmark for et år siden'])} og ${c.pick(['vil gerne have praktik ved siden af', 'har fået tilbud om arbejde', 'forstår ikke brevet fra jobcentret'])}. ${c.pick(['Hvad skal jeg gøre?', 'Mister jeg selvforsørgelsesydelsen?', 'Hvem kan hjælpe?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Job centre appointment', 'Unemployment benefits', 'Looking for work']),
    english: true,
    body: `${c.pick([
      `I have an appointment at the job centre on ${c.englishDate(2, 10)}, but I will be abroad for a job interview. Can we move it?`,
      'I lost my job last month. Am I entitled to any support from the municipality while I look for work?',
      'I would like help with my CV and finding an internship. I speak English and some Danish.',
    ])}`,
  }),
];
