import type { Template } from '../context.js';

export const byggesag: Template[] = [
  (c) => {
    const size = c.squareMetres(18, 45);
    const distance = c.metres(0.5, 3);
    return {
      subject: c.pick([
        'Carport',
        'Spørgsmål om carport',
        'Skal jeg søge om byggetilladelse til carport?',
        'carport i skel',
        'Ny carport - tilladelse?',
      ]),
      body: `${c.pick(['Vi overvejer at bygge', 'Jeg vil gerne opføre', 'Vi har planer om at sætte', 'Min mand og jeg vil bygge'])} en carport på ca. ${size} på ${c.person.street}. Den skal stå ${distance} fra skel til naboen${c.maybe(0.5, ` og have et ${c.pick(['fladt tag', 'tag med 15 graders hældning', 'sedumtag'])}`)}.\n${c.pick(
        [
          'Skal vi søge byggetilladelse, eller er det nok at anmelde den?',
          'Kræver det en byggetilladelse eller er den fritaget?',
          'Hvad skal der til af tegninger og hvor lang er sagsbehandlingstiden?',
          'Må den stå så tæt på skellet, og skal naboen høres?',
        ],
      )}${c.maybe(0.4, `\nMatriklen er ${c.matrikel()}.`)}`,
      attachments: c.chance(0.3) ? ['skitse_carport.pdf'] : [],
    };
  },
  (c) => ({
    subject: c.pick([
      `Tilbygning - sag ${c.caseNo()}`,
      'Status på ansøgning om tilbygning',
      'Byggesag tilbygning',
      `Ang. byggeansøgning ${c.caseNo()}`,
    ]),
    body: `${c.pick(['Vi sendte', 'Jeg indsendte', 'Vores arkitekt sendte'])} for ${c.pick(['6 uger', 'to måneder', 'snart tre måneder', 'en måned'])} siden en ansøgning om byggetilladelse til en tilbygning på ${c.squareMetres(15, 60)} via Byg og Miljø. ${c.pick(
      [
        'Vi har ikke hørt noget siden kvitteringen.',
        'Håndværkerne står klar, så vi vil gerne vide hvornår vi kan forvente en afgørelse.',
        'Kan I give en status på sagen og sige om der mangler noget?',
        'Er der brug for flere oplysninger fra os for at sagen kan behandles?',
      ],
    )}${c.maybe(0.5, ` Ejendommen ligger på ${c.person.address}.`)}`,
  }),
  (c) => ({
    subject: c.pick([
      'Fejl i BBR',
      'BBR-meddelelse er forkert',
      'Rettelse af BBR',
      'BBR oplysninger stemmer ikke',
      'forkert areal i BBR',
    ]),
    body: `${c.pick(['På min BBR-meddelelse', 'I BBR', 'Da jeg kiggede min BBR-meddelelse igennem'])} står ${c.pick(
      [
        `boligarealet til ${c.squareMetres(90, 160)}, men det rigtige er ${c.squareMetres(90, 160)}`,
        `at der er en udestue som blev revet ned for flere år siden`,
        `at huset har oliefyr, men vi fik varmepumpe i ${c.year(-2)}`,
        `en garage på ${c.squareMetres(20, 40)} som aldrig er blevet bygget`,
        `at tagbeklædningen er eternit, men det er tegl`,
      ],
    )}. ${c.pick([
      'Hvordan får jeg det rettet?',
      'Kan I rette det, eller skal jeg udfylde en blanket?',
      'Jeg vil gerne have BBR rettet inden huset skal sælges.',
      'Vedhæfter billeder som dokumentation.',
    ])}${c.maybe(0.4, `\nAdressen er ${c.person.address}, ${c.matrikel()}.`)}`,
    attachments: c.chance(0.35) ? ['IMG_' + String(c.int(1000, 9999)) + '.jpg'] : [],
  }),
  (c) => ({
    subject: c.pick([
      'Naboens skur står i skel',
      'Klage over naboens byggeri',
      'Byggeri tæt på skel',
      'Nabo bygger uden tilladelse?',
      'skel problem med nabo',
    ]),
    body: `${c.pick(['Vores nabo', 'Naboen på den anden side af hækken', 'Naboen i nr. ' + String(c.int(1, 90))])} er ved at bygge ${c.pick(['et skur', 'en overdækket terrasse', 'et udhus', 'en garage', 'et drivhus på 25 m2', 'et hævet træterrasse'])} helt ude ved skellet${c.maybe(0.5, `, kun ca. ${c.metres(0.2, 1.5)} fra vores grund`)}. ${c.pick(
      [
        'Det tager al eftermiddagssolen fra vores have.',
        'Vi er ikke blevet spurgt og er ikke blevet partshørt.',
        'Bygningen er efter vores mening over 2,5 meter høj.',
        'Der er ikke tale om et lille skur, det er en hel bygning.',
      ],
    )}\nKan kommunen undersøge om der er givet byggetilladelse, og om det overholder reglerne for byggeri i skel?`,
    attachments: c.chance(0.4) ? ['billede1.jpg', 'billede2.jpg'] : [],
  }),
  (c) => {
    const caseNo = c.caseNo();
    return {
      subject: c.pick([
        `Reviderede tegninger sag ${caseNo}`,
        `Tegninger til byggesag ${caseNo}`,
        `Eftersendelse af materiale - ${caseNo}`,
        'Tegninger',
      ]),
      body: `${c.pick(['Hermed', 'Som aftalt i telefonen sender jeg hermed', 'Vedhæftet er', 'Her er'])} ${c.pick(['reviderede tegninger', 'facadetegninger og situationsplan', 'plantegning og snit', 'statiske beregninger og tegninger'])} til byggesag ${caseNo}${c.maybe(0.5, ` vedr. ${c.person.address}`)}. ${c.pick(
        [
          'Vi har flyttet tilbygningen 50 cm længere væk fra skel som ønsket.',
          'Taghældningen er ændret så højden nu overholder bygningsreglementet.',
          'Sig endelig til hvis der mangler noget.',
          'Brandforholdene er beskrevet på side 3.',
        ],
      )}`,
      attachments: c.pick([
        ['facade.pdf', 'situationsplan.pdf'],
        ['tegning_rev2.dwg', 'tegning_rev2.pdf'],
        ['plan_og_snit.pdf'],
        ['beregninger.pdf', 'tegninger.dwg'],
      ]),
    };
  },
  (c) => {
    const { sender } = c.firmSender('vvs');
    return {
      subject: c.pick([
        'Færdigmelding af kloakarbejde',
        `Kloakplan ${c.person.street}`,
        'Anmeldelse af afløbsinstallation',
        'Ansøgning om tilslutning til kloak',
      ]),
      body: `${c.pick(['Vi har udført', 'På vegne af vores kunde har vi lavet', 'Vi er færdige med'])} ${c.pick(['omlægning af kloak', 'nyt afløb til tilbygning', 'separatkloakering', 'ny faskine til regnvand'])} på ${c.person.address}${c.maybe(0.5, `, ${c.matrikel()}`)}. ${c.pick(
        [
          'Vedhæftet er kloaktegning som udført samt færdigmelding.',
          'Kan I oplyse om der skal søges om tilladelse, eller er det nok med en anmeldelse?',
          'Vi skal bruge en byggesagsnummer til vores dokumentation.',
          'Kunden ønsker at få sagen afsluttet så hurtigt som muligt.',
        ],
      )}`,
      sender,
      attachments: c.chance(0.7) ? ['kloaktegning_som_udfoert.pdf'] : [],
    };
  },
  (c) => {
    const { sender } = c.firmSender('toemrer');
    const caseNo = c.caseNo();
    return {
      subject: c.pick([
        `Færdigmelding ${caseNo}`,
        `Byggeriet er færdigt - ${c.person.street}`,
        'Anmodning om ibrugtagningstilladelse',
      ]),
      body: `Byggeriet på ${c.person.address} (sag ${caseNo}) er nu afsluttet${c.maybe(0.5, ' og tilbygningen står klar')}. ${c.pick(
        [
          'Hermed færdigmelding, så ejerne kan tage tilbygningen i brug.',
          'Vi beder om ibrugtagningstilladelse hurtigst muligt da familien skal flytte ind.',
          'Dokumentation for brandsikring og energiramme er vedhæftet.',
        ],
      )}`,
      sender,
      attachments: ['faerdigmelding.pdf', ...(c.chance(0.5) ? ['energiberegning.pdf'] : [])],
    };
  },
  (c) => {
    const { sender } = c.firmSender('arkitekt');
    return {
      subject: c.pick([
        'Forhåndsdialog - nyt enfamiliehus',
        'Spørgsmål til lokalplan',
        'Bebyggelsesprocent og lokalplan',
        `Forespørgsel vedr. ${c.matrikel()}`,
      ]),
      body: `Vi rådgiver en bygherre om ${c.pick(['et nyt parcelhus', 'en større ombygning', 'en udvidelse med 1. sal', 'opførelse af to dobbelthuse'])} på ${c.matrikel()}, ${c.person.street}. ${c.pick(
        [
          'Grunden er omfattet af en lokalplan, og vi vil gerne høre hvordan I tolker bestemmelsen om bygningshøjde.',
          'Vi ønsker en forhåndsdialog om bebyggelsesprocenten, som vil blive ca. 32.',
          'Kan vi få et møde om projektet inden vi sender ansøgningen om byggetilladelse?',
          'Der er en tinglyst deklaration om byggelinje; gælder den stadig?',
        ],
      )}`,
      sender,
      attachments: c.chance(0.5) ? ['projektskitse.pdf'] : [],
    };
  },
  (c) => {
    const { sender } = c.firmSender('landinspektoer');
    return {
      subject: c.pick([
        'Udstykning',
        'Skelforretning',
        `Arealoverførsel ${c.matrikel()}`,
        'Berigtigelse af skel',
      ]),
      body: `${c.pick(['Vi har fået til opgave at', 'Vi skal for ejerne'])} ${c.pick(['udstykke en byggegrund fra', 'gennemføre en arealoverførsel mellem', 'afholde skelforretning på'])} ${c.matrikel()}. ${c.pick(
        [
          'Vi beder om kommunens udtalelse efter byggeloven.',
          'Kan I bekræfte at der ikke er byggesager der hindrer udstykningen?',
          'Bebyggelsesprocenten for restejendommen fremgår af vedlagte rids.',
        ],
      )}`,
      sender,
      attachments: ['rids.pdf'],
    };
  },
  (c) => ({
    subject: c.pick([
      'Nedrivning af garage',
      'Anmeldelse af nedrivning',
      'Skal nedrivning anmeldes?',
      'vi vil rive udhuset ned',
    ]),
    body: `Vi vil rive ${c.pick(['vores gamle garage', 'et udhus på ' + c.squareMetres(12, 40), 'sommerhuset', 'den gamle lade'])} ned${c.maybe(0.5, ` i ${c.month(1)}`)}. ${c.pick(
      [
        'Skal det anmeldes til kommunen, og skal der laves en screening for asbest og PCB?',
        'Hvad skal vi gøre for at få det slettet i BBR bagefter?',
        'Kræver det tilladelse når bygningen er fra 1962?',
      ],
    )}`,
  }),
  (c) => {
    const solar = c.chance(0.6);
    return {
      subject: solar
        ? c.pick(['Solceller på taget', 'Må vi sætte solceller op?', 'solcelleanlæg'])
        : c.pick(['Varmepumpe og afstand til skel', 'Luft til vand varmepumpe - tilladelse', 'Varmepumpe']),
      body: `${c.pick(['Vi vil gerne', 'Vi har fået tilbud på at', 'Jeg overvejer at'])} ${
        solar
          ? c.pick(['sætte solceller på sydsiden af taget', 'lægge solcellepaneler på garagetaget'])
          : 'installere en luft-til-vand varmepumpe ved gavlen'
      }. ${c.pick([
        'Kræver det byggetilladelse, og siger lokalplanen noget om det?',
        solar ? 'Må panelerne ses fra vejen?' : 'Hvor tæt på skel må udedelen stå?',
        'Huset ligger i et område med bevaringsværdige huse, gælder der særlige regler?',
      ])}${c.maybe(0.4, `\nAdresse: ${c.person.address}`)}`,
    };
  },
  (c) => ({
    subject: c.pick([
      'Kvist og tagterrasse',
      'Ombygning af tagetage',
      'Ansøgning om kvist',
      'spørgsmål om ny kvist',
    ]),
    body: `Vi ønsker at ${c.pick(['bygge to kviste', 'lave en tagterrasse', 'udnytte tagetagen til værelser', 'hæve taget 60 cm'])} på vores ${c.pick(['villa', 'rækkehus', 'parcelhus', 'byhus'])}. ${c.pick(
      [
        'Hvad skal en byggeansøgning indeholde, og skal der en statiker ind over?',
        'Vi har vedhæftet en skitse af hvordan det skal se ud.',
        'Skal naboerne høres når det ændrer udsigten til deres have?',
      ],
    )}`,
    attachments: c.chance(0.4) ? ['skitse.pdf'] : [],
  }),
  (c) => {
    const { sender } = c.firmSender('maegler');
    return {
      subject: c.pick([
        `Byggesagsarkiv ${c.person.street}`,
        'Forespørgsel om lovligt byggeri',
        'Tegninger og byggetilladelser til salg',
        'Ejendomsoplysninger - byggesager',
      ]),
      body: `I forbindelse med salg af ${c.person.address} beder vi om ${c.pick([
        'kopi af byggetilladelser og tegninger fra byggesagsarkivet',
        'oplysning om der er verserende byggesager eller påbud på ejendommen',
        'bekræftelse af at udestuen og carporten er lovligt opført',
      ])}. ${c.pick(['Køber ønsker oplysningerne inden underskrift.', 'Salget skal gennemføres i denne måned.', 'På forhånd tak.'])}`,
      sender,
    };
  },
  (c) => ({
    subject: c.pick([
      'Anneks i haven',
      'Orangeri - skal det søges?',
      'Bygge anneks til sommerhus',
      'Overdækning af terrasse',
    ]),
    body: `Hvor stort må ${c.pick(['et anneks', 'et orangeri', 'en overdækket terrasse', 'et havehus'])} være, før det kræver byggetilladelse? Vi har ${c.pick(['en grund på ' + c.squareMetres(600, 1400), 'et sommerhus', 'et almindeligt parcelhus'])} og ${c.pick(
      [
        'vil gerne bygge ca. ' + c.squareMetres(10, 35),
        'har allerede ' + c.squareMetres(30, 50) + ' småbygninger',
        'er i tvivl om det tæller med i bebyggelsesprocenten',
      ],
    )}.`,
  }),
  (c) => ({
    subject: c.pick([
      'Ibrugtagningstilladelse mangler',
      'Hvornår kommer ibrugtagningstilladelsen?',
      `Sag ${c.caseNo()} ibrugtagning`,
    ]),
    body: `Vi færdigmeldte ${c.pick(['huset', 'tilbygningen', 'byggeriet'])} for ${c.int(2, 8)} uger siden, men har stadig ikke modtaget ibrugtagningstilladelse. ${c.pick(
      [
        'Banken kræver den for at frigive lånet.',
        'Vi skal flytte ind om kort tid.',
        'Forsikringsselskabet spørger også efter den.',
      ],
    )}`,
  }),
  (c) => ({
    subject: 'Permit for a garden shed',
    english: true,
    body: `We have recently bought a house at ${c.person.address} and would like to build a garden shed of about ${c.int(10, 30)} square metres close to the boundary. Do we need a building permit, and can you send us the rules in English?${c.maybe(0.5, ' We also want to extend the terrace.')}`,
  }),
];
