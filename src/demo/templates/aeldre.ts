import type { Template } from '../context.js';

export const aeldre: Template[] = [
  (c) => {
    const elder = c.elder();
    return {
      subject: c.pick([
        'Hjemmepleje',
        'Klage over hjemmeplejen',
        'Hjemmehjælpen kom ikke',
        'Besøg fra hjemmeplejen',
        'hjemmehjælp min mor',
      ]),
      body: `${c.pick(['Min mor', 'Min far', 'Min svigermor'])}, ${elder.name}, ${c.pick([
        'fik ikke besøg af hjemmeplejen i morges og lå i sengen til middag',
        'får hjælp til bad to gange om ugen, men det er blevet aflyst tre gange',
        'får nye hjælpere hver dag og bliver forvirret',
        'har brug for mere hjælp om aftenen efter hun er faldet',
      ])}. ${c.pick(['Det er ikke godt nok.', 'Kan nogen ringe til mig?', 'Vi vil gerne have en revisitering.'])}${c.maybe(0.3, `\nHun bor på ${elder.address}`)}`,
    };
  },
  (c) => {
    const elder = c.elder();
    return {
      subject: c.pick([
        'Plejebolig',
        'Ansøgning om plejebolig',
        'Venteliste plejehjem',
        'Plejehjemsplads',
        'plejebolig til min far',
      ]),
      body: `${c.pick(['Min far', 'Min mor', 'Min mand'])} ${c.pick(['har demens', 'kan ikke længere klare sig selv', 'er faldet flere gange', 'er udskrevet fra sygehuset'])} og ${c.pick(
        [
          'vi har søgt om plejebolig',
          'vi vil gerne søge plejebolig på Fjordhaven',
          'vi venter på svar på ansøgningen om plejehjem',
        ],
      )}. ${c.pick(['Hvor lang er ventelisten?', 'Hvornår bliver han visiteret?', 'Kan han få en aflastningsplads imens?'])}${c.maybe(0.3, () => `\nCPR: ${elder.cpr}`)}`,
    };
  },
  (c) => ({
    subject: c.pick([
      'Hjælpemidler',
      'Rollator',
      'Kørestol skal repareres',
      'Badestol',
      'Ansøgning om hjælpemiddel',
      'plejeseng',
    ]),
    body: `${c.pick([
      `Jeg har brug for ${c.pick(['en rollator', 'en badebænk', 'en toiletforhøjer', 'en gribetang'])} efter min hofteoperation`,
      `Min mor skal have ${c.pick(['en plejeseng', 'en badestol', 'en rollator'])}, da hun ikke kan stå sikkert længere`,
      `Kan min far låne ${c.pick(['en kørestol', 'en rollator', 'en el-scooter'])}? Han kan ikke gå uden støtte`,
      `Min ${c.pick(['el-kørestol', 'rollator', 'plejeseng'])} er gået i stykker og skal repareres`,
    ])}. ${c.pick(['Hvordan søger man om hjælpemidler?', 'Hvor lang tid tager det at få den leveret?', 'Skal vi selv betale?', 'Hjælpemiddeldepotet tager ikke telefonen.'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Genoptræning',
      'Genoptræningsplan',
      'Genoptræning efter operation',
      'Fysioterapi efter udskrivning',
    ]),
    body: `${c.pick(['Jeg er udskrevet', 'Min mand er udskrevet', 'Jeg har fået nyt knæ og er udskrevet'])} fra ${c.pick(['Holbæk Sygehus', 'sygehuset', 'Rigshospitalet'])} med en genoptræningsplan. ${c.pick(
      [
        'Hvornår bliver jeg indkaldt til genoptræning?',
        'Kan genoptræningen foregå hjemme, jeg har ikke bil?',
        'Der er gået 3 uger og jeg har ikke hørt noget.',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['Madordning', 'Afbestilling af mad', 'Mad udeblevet', 'Madservice', 'madordning diæt']),
    body: `${c.pick([
      `Min mor skal afbestille maden fra ${c.date(1, 14)}, da hun er på aflastning`,
      'Maden fra madservicen kom ikke i dag',
      'Min far er diabetiker og skal have diætmad',
      'Vi vil gerne høre om min mor kan få mad leveret hjem',
    ])}. ${c.pick(['Hvem skal vi kontakte?', 'Hvad koster det?', 'Maden var også kold sidst.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Nødkald', 'Nøgleboks', 'Nødkaldet virker ikke']),
    body: `${c.pick(['Min mors nødkald virker ikke', 'Vi vil gerne søge om nødkald til min far', 'Hjemmeplejen skal have en nøgleboks'])}. ${c.pick(['Hun bor alene og er faldet to gange.', 'Hvem sætter den op?', 'Batteriet er måske fladt.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Rengøring', 'Praktisk hjælp', 'Rengøringshjælp aflyst', 'Hjælp til indkøb']),
    body: `${c.pick(['Min mor', 'Jeg', 'Min far på ' + String(c.int(80, 95))])} ${c.pick([
      'får rengøring hver 14. dag, men de kom ikke i denne uge',
      'kan ikke selv gøre rent længere',
      'har brug for hjælp til indkøb',
    ])}. ${c.pick(['Kan vi få en visitator ud?', 'Hvorfor er hjælpen skåret ned?', 'Hvornår kommer de?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Forebyggende hjemmebesøg', 'Tilbud om hjemmebesøg', 'Aktiviteter for ældre']),
    body: `${c.pick(['Jeg er fyldt 75', 'Min far er lige blevet enkemand', 'Jeg har fået et brev om forebyggende hjemmebesøg'])}${c.pick(
      [
        ' og vil gerne have besøg.',
        '. Kan man takke nej?',
        '. Er der aktivitetscentre eller spisefællesskaber i Ulvsbjerg?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick(['Aflastning', 'Daghjem', 'Pårørende til demensramt', 'Aflastningsplads']),
    body: `Min ${c.pick(['mand', 'kone', 'mor'])} har ${c.pick(['Alzheimers', 'demens', 'Parkinson'])}, og jeg ${c.pick(['er ved at være slidt ned', 'har brug for en pause', 'skal indlægges'])}. ${c.pick(
      [
        'Kan hun få plads i daghjemmet nogle dage om ugen?',
        'Er der mulighed for aflastning i en uge?',
        'Hvem kan jeg tale med om hjælp som pårørende?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Inkontinenshjælpemidler',
      'Bleer fra kommunen',
      'Diabeteshjælpemidler',
      'kropsbårne hjælpemidler',
    ]),
    body: `${c.pick(['Min mor', 'Jeg', 'Min far'])} ${c.pick(['har fået bevilget bleer, men leverandøren sender den forkerte størrelse', 'skal have teststrimler til blodsukkermåling', 'har brug for støttestrømper'])}. ${c.pick(['Hvem skal vi kontakte?', 'Kan bevillingen ændres?', 'Hvad er egenbetalingen?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Home care for my mother', 'Rehabilitation after surgery']),
    english: true,
    body: `${c.pick([
      'My mother lives alone in Fjordby and needs help with shopping and cleaning. How do we apply for home care?',
      'I was discharged from hospital after a hip operation and was told the municipality will contact me about rehabilitation. I have not heard anything yet.',
    ])}`,
  }),
];
