import type { Template } from '../context.js';

export const borgerservice: Template[] = [
  (c) => ({
    subject: c.pick([
      'Pas',
      'Fornyelse af pas',
      'Nyt pas inden ferien',
      'Tid til pas?',
      'pas udløber',
      'Bestilling af pas til barn',
    ]),
    body: `${c.pick(['Mit pas udløber', 'Vores datters pas udløber', 'Min søns pas udløber'])} ${c.date(5, 40)}, og vi skal ${c.pick(['til Thailand', 'på ferie i Tyrkiet', 'til USA', 'til London'])} ${c.date(45, 120)}. ${c.pick(
      [
        'Kan jeg nå at få et nyt pas, og skal jeg bestille tid?',
        'Hvor lang er leveringstiden på pas lige nu?',
        'Jeg kan ikke finde en ledig tid i tidsbestillingen, kan I hjælpe?',
        'Skal begge forældre være med når barnet skal have pas?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Kørekort',
      'Fornyelse af kørekort',
      'Kørekort udløbet',
      'Lægeerklæring til kørekort',
      'kørekort fornyelse 70 år',
    ]),
    body: `${c.pick(['Mit kørekort', 'Min fars kørekort', 'Mit kørekort til lastbil'])} udløber ${c.date(10, 80)}. ${c.pick(
      [
        'Skal jeg have en ny lægeerklæring, og hvor lang tid tager det at få det nye kort?',
        'Kan fornyelsen klares på borger.dk, eller skal jeg møde op i Borgerservice?',
        'Jeg har fået lægeerklæringen, hvad er næste skridt?',
        'Må jeg køre på det gamle kørekort mens jeg venter på det nye?',
      ],
    )}`,
  }),
  (c) => {
    const [subject, problem] = c.pick([
      [
        c.pick(['Mistet sundhedskort', 'Sundhedskortet er væk']),
        c.pick(['Jeg har mistet mit sundhedskort', 'Min pung blev stjålet med sundhedskortet i']),
      ],
      [c.pick(['Gult kort', 'Nyt sundhedskort']), 'Mit gule sundhedskort er knækket'],
      [
        c.pick(['blåt EU sygesikringskort', 'Det blå kort']),
        'Vi skal rejse og mangler det blå EU-sygesikringskort',
      ],
    ] as const);
    return {
      subject,
      body: `${problem}. ${c.pick([
        'Hvordan bestiller jeg et nyt, og koster det noget?',
        'Kan I sende et nyt til min adresse?',
        'Er det nok at have kortet i appen?',
      ])}${c.maybe(0.3, () => `\nMit cpr-nr er ${c.cpr()}.`)}`,
    };
  },
  (c) => ({
    subject: c.pick([
      'Flytning',
      'Adresseændring',
      'Flyttemeddelelse',
      'Forkert adresse i folkeregisteret',
      'jeg er flyttet',
    ]),
    body: `${c.pick(['Jeg er flyttet til', 'Vi flytter', 'Min søn er flyttet hjemmefra til', 'Jeg har anmeldt flytning til'])} ${c.person.address} ${c.date(-20, 25)}. ${c.pick(
      [
        'Flytningen kan ikke registreres på borger.dk, der kommer en fejl.',
        'Folkeregisteret viser stadig den gamle adresse.',
        'Skal jeg også vælge ny læge når jeg flytter?',
        'Hvordan melder jeg flytning når jeg ikke har MitID?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'MitID',
      'Problemer med MitID',
      'MitID spærret',
      'Ny MitID app',
      'hjælp til mitid',
      'MitID til min mor',
    ]),
    body: `${c.pick(['Mit MitID er blevet spærret', 'Jeg har fået ny telefon og kan ikke komme på MitID', 'Min mor på 82 skal have MitID', 'Jeg har mistet min kodeviser'])}. ${c.pick(
      [
        'Kan jeg få hjælp i Borgerservice, og skal jeg have pas med?',
        'Hvordan får jeg en ny kodeviser eller kodeoplæser?',
        'Hun kan ikke bruge en smartphone, hvad gør vi?',
        'Jeg kan ikke logge på e-Boks eller netbank.',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['Fritagelse for Digital Post', 'Digital Post', 'Vil gerne have brevene på papir']),
    body: `${c.pick(['Min far', 'Jeg', 'Min nabo som jeg hjælper'])} ${c.pick(['har ikke computer', 'har svært ved at se skærmen', 'har demens'])} og vil gerne fritages for Digital Post. ${c.pick(
      [
        'Hvilken blanket skal udfyldes?',
        'Kan jeg få fuldmagt til at læse posten?',
        'Skal han møde op personligt?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['Navneændring', 'Ændring af efternavn efter bryllup', 'Nyt navn', 'navneændring barn']),
    body: `${c.pick(['Vi er blevet gift', 'Jeg er blevet skilt', 'Vi vil gerne ændre vores søns efternavn'])} og ${c.pick(
      [
        `vil gerne tage navnet ${c.pick(['Holm', 'Lund', 'Skov', 'Bach'])}`,
        'ønsker at tage mit pigenavn tilbage',
        'skal have ændret navnet i folkeregisteret',
      ],
    )}. ${c.pick(['Hvad koster det, og hvordan søger man?', 'Skal pas og kørekort også laves om?', 'Kan det ske på borger.dk?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Skift af læge', 'Lægeskift', 'Ny læge', 'Skifte læge efter flytning']),
    body: `Jeg ${c.pick(['vil gerne skifte læge', 'er utilfreds med min læge og vil skifte', 'er flyttet og skal have en læge tættere på'])}. ${c.pick(
      [
        'Hvilke læger i Fjordby har åben for tilgang?',
        'Det virker ikke på borger.dk, lægelisten er tom.',
        'Koster det noget at skifte?',
      ],
    )}`,
  }),
  (c) =>
    c.chance(0.7)
      ? {
          subject: c.pick([
            'Bopælsattest',
            'Udskrift fra folkeregisteret',
            'Attest til ambassade',
            'bopælsattest hurtigst muligt',
          ]),
          body: `${c.pick(['Jeg skal bruge en bopælsattest', 'Jeg skal bruge en udskrift fra CPR', 'Min søn skal bruge en bopælsattest'])} ${c.pick(
            [
              'til en ny arbejdsgiver i Tyskland',
              'til ambassaden i forbindelse med visum',
              'til et boliglån',
              'til en skole i udlandet',
            ],
          )}. Kan I sende den ${c.pick(['i Digital Post', 'med posten', 'hurtigst muligt'])}?${c.maybe(0.35, () => `\nCPR: ${c.cpr()}`)}`,
        }
      : {
          subject: c.pick(['Navne- og adressebeskyttelse', 'Adressebeskyttelse', 'Hemmelig adresse']),
          body: `Jeg vil gerne have navne- og adressebeskyttelse, ${c.pick([
            'fordi min tidligere partner chikanerer mig',
            'da jeg er blevet truet',
            'for mig og mine børn',
          ])}. ${c.pick(['Hvordan søger man, og koster det noget?', 'Kan det gå hurtigt?', 'Skal jeg møde op?'])}`,
        },
  (c) => ({
    subject: c.pick(['Stjålet pas', 'Mistet pas', 'pas væk', 'Bortkommet pas og kørekort']),
    body: `${c.pick(['Mit pas er blevet stjålet', 'Jeg har tabt mit pas', 'Mit pas og kørekort forsvandt'])} ${c.pick(['på ferien', 'i toget', 'ved indbrud i vores hus'])}. ${c.pick(
      [
        'Jeg har anmeldt det til politiet. Hvad skal jeg gøre for at få et nyt?',
        'Skal jeg bruge en politirapport for at få nyt pas?',
        'Jeg skal rejse om 14 dage, kan man få et nødpas?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Tidsbestilling',
      'Åbningstider borgerservice',
      'Kan man komme uden tid?',
      'aflysning af tid',
    ]),
    body: `${c.pick([
      `Jeg har en tid ${c.date(1, 14)} kl. ${c.int(9, 15)}.${c.pick(['00', '15', '30', '45'])} og kan desværre ikke komme.`,
      'Har Borgerservice åbent om lørdagen?',
      'Kan man komme uden tidsbestilling for at hente et pas?',
    ])} ${c.pick(['Kan I flytte tiden?', 'Hvad er åbningstiderne på torsdag?', 'Jeg skal afhente mit nye pas.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Udrejse', 'Flytter til udlandet', 'Indrejse fra udlandet', 'Flytning til udlandet']),
    body: `${c.pick([
      `Vi flytter til ${c.pick(['Spanien', 'Norge', 'Australien', 'Tyskland'])} ${c.date(10, 60)}. Hvordan melder man udrejse, og hvad sker der med sundhedskortet?`,
      `Jeg er flyttet hjem fra ${c.pick(['Spanien', 'Norge', 'Australien', 'Tyskland'])} ${c.date(-30, -2)}. Jeg skal have mit CPR-nummer aktiveret igen og en læge.`,
      `Min datter skal studere i ${c.pick(['Spanien', 'Norge', 'Australien', 'Tyskland'])} fra ${c.date(20, 90)}. Beholder hun sit MitID når hun bor i udlandet?`,
    ])}`,
  }),
  (c) => ({
    subject: c.pick(['Borgerlig vielse', 'Vielse på rådhuset', 'Prøvelsesattest']),
    body: `Vi vil gerne giftes på rådhuset ${c.date(40, 200)}. ${c.pick([
      'Hvordan ansøger vi om prøvelse af ægteskabsbetingelser?',
      'Er der ledige tider den dag?',
      'Min kæreste er fra Filippinerne, hvilke papirer skal hun have med?',
    ])}`,
  }),
  (c) => ({
    subject: c.pick([
      'CPR number and health card',
      'Registration after moving to Denmark',
      'Yellow health card',
      'Moving to Fjordby',
    ]),
    english: true,
    body: `${c.pick(['I have just moved to Denmark', 'My family and I moved to Fjordby', 'I started a new job in Fjordby'])} and need to register my address and get a CPR number${c.maybe(0.5, ' and the yellow health card')}. ${c.pick(
      [
        'Do I need to book an appointment at the citizen service?',
        'Which documents should I bring?',
        'My registration certificate from SIRI arrived last week.',
        'How do I choose a doctor?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['MitID problem', 'Passport renewal', 'Lost my health card']),
    english: true,
    body: `${c.pick(['My MitID app stopped working after I changed my phone', 'My passport was stolen', 'I lost my yellow card'])}. ${c.pick(['Can I get help at the citizen service centre?', 'What should I bring?', 'Is there an English speaking person I can talk to?'])}`,
  }),
];
