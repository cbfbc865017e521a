import type { Template } from '../context.js';

/**
 * Mails that span two departments, where a caseworker would also hesitate. `label` is the department a
 * municipality would pick (the one that owns the main request); `other` is the one it touches.
 */
export const ambiguous: { label: string; other: string; template: Template }[] = [
  {
    label: 'borgerservice',
    other: 'affald',
    template: (c) => ({
      subject: c.pick([
        'Flytning og skraldespand',
        'Vi flytter',
        'Flytning - spørgsmål',
        'Ny adresse og affaldsbeholder',
      ]),
      body: `Vi flytter ${c.date(5, 30)} til ${c.person.address}. ${c.pick([
        'Hvordan melder vi flytning, og skal vi selv bestille affaldsbeholdere til det nye hus?',
        'Der står ingen skraldespand ved huset. Skal vi gøre noget når vi melder flytning?',
        'Vi skal have ændret adresse i folkeregisteret og vil samtidig høre om storskrald fra den gamle bolig.',
      ])}`,
    }),
  },
  {
    label: 'parkering',
    other: 'byggesag',
    template: (c) => ({
      subject: c.pick([
        'Parkering ved byggeplads',
        'Tilladelse til container og parkering',
        'Håndværkere og parkering under ombygning',
      ]),
      body: `Vi er i gang med ${c.pick(['en tilbygning', 'at bygge om', 'at skifte tag'])} på ${c.person.address} (byggetilladelse ${c.caseNo()}). ${c.pick(
        [
          'Kan håndværkernes biler og en container holde på vejen i 6 uger uden at få p-afgift?',
          'Skal vi søge om parkeringstilladelse til byggepladsen, eller er det en del af byggetilladelsen?',
          'Tømreren har fået en parkeringsafgift mens han læssede spær af.',
        ],
      )}`,
    }),
  },
  {
    label: 'byggesag',
    other: 'skat',
    template: (c) => ({
      subject: c.pick([
        'BBR og ejendomsskat',
        'For høj ejendomsskat pga. forkert BBR',
        'Areal og grundskyld',
      ]),
      body: `Vores ejendomsskat er steget, og jeg kan se at BBR viser ${c.squareMetres(120, 220)} bolig, men huset er kun ${c.squareMetres(80, 119)}. ${c.pick(
        [
          'Hvis BBR rettes, bliver skatten så også sat ned?',
          'Hvem skal jeg skrive til for at få både BBR og opkrævningen rettet?',
        ],
      )}`,
    }),
  },
  {
    label: 'skat',
    other: 'beskaeftigelse',
    template: (c) => ({
      subject: c.pick([
        'Kan ikke betale restance',
        'Restance og kontanthjælp',
        'Betalingsaftale - er på kontanthjælp',
      ]),
      body: `Jeg er på ${c.pick(['kontanthjælp', 'sygedagpenge', 'dagpenge'])} og har fået en rykker på ${c.amount(1500, 9000)}. ${c.pick(
        [
          'Kan jobcentret tage hensyn til det, eller skal jeg lave en betalingsaftale med jer?',
          'Kan beløbet trækkes i min ydelse i stedet?',
        ],
      )}`,
    }),
  },
  {
    label: 'aeldre',
    other: 'borgerservice',
    template: (c) => {
      const elder = c.elder();
      return {
        subject: c.pick([
          'Min mor flytter på plejehjem',
          'Flytning til plejebolig',
          'Adresseændring - plejehjem',
        ]),
        body: `Min mor ${elder.name} har fået plejebolig og flytter ${c.date(5, 20)}. ${c.pick([
          'Hvem melder flytningen, og hvad sker der med hendes post og læge?',
          'Skal hjemmeplejen stoppe, og skal vi selv melde adresseændring?',
          'Jeg har fuldmagt. Kan I registrere den nye adresse?',
        ])}`,
      };
    },
  },
  {
    label: 'dagtilbud',
    other: 'beskaeftigelse',
    template: (c) => ({
      subject: c.pick([
        'Mistet job - friplads?',
        'Ledig og forældrebetaling',
        'Fripladstilskud efter fyring',
      ]),
      body: `Jeg er blevet fyret og er nu ${c.pick(['på dagpenge', 'ledig', 'tilmeldt jobcentret'])}. ${c.pick(
        [
          'Kan vi få fripladstilskud til vuggestuen, og beholder vi pladsen mens jeg søger job?',
          'Jobcentret siger jeg skal stå til rådighed, men så skal min søn jo passes. Hvad gør vi?',
        ],
      )}`,
    }),
  },
  {
    label: 'parkering',
    other: 'aeldre',
    template: (c) => ({
      subject: c.pick([
        'Handicapparkering til min far',
        'Parkering ved hjemmet - gangbesværet',
        'Kørestol og parkering',
      ]),
      body: `Min far har fået ${c.pick(['kørestol', 'rollator', 'el-scooter'])} af kommunen og kan ikke gå langt. ${c.pick(
        [
          'Kan han få en handicapparkeringsplads foran huset?',
          'Hjemmeplejen holder på den eneste plads, så vi kan ikke komme til med bilen.',
        ],
      )} Bil ${c.plate()}.`,
    }),
  },
  {
    label: 'beskaeftigelse',
    other: 'aeldre',
    template: (c) => ({
      subject: c.pick([
        'Sygedagpenge under genoptræning',
        'Genoptræning og arbejde',
        'Sygemeldt efter operation',
      ]),
      body: `Jeg er i genoptræning efter en ${c.pick(['knæoperation', 'hofteoperation', 'skulderoperation'])} og er sygemeldt fra mit arbejde. ${c.pick(
        [
          'Kan genoptræningen passes ind med opfølgningssamtalerne i jobcentret?',
          'Får jeg sygedagpenge mens jeg genoptræner?',
        ],
      )}`,
    }),
  },
  {
    label: 'affald',
    other: 'byggesag',
    template: (c) => ({
      subject: c.pick(['Byggeaffald og container', 'Affald fra renovering', 'Asbest fra ombygning']),
      body: `Vi er ved at renovere ${c.pick(['badeværelset', 'hele huset', 'taget'])} på ${c.person.street}. ${c.pick(
        [
          'Hvor kan vi aflevere byggeaffald og gamle tagplader, og skal det anmeldes?',
          'Må containeren stå på fortovet, og hvem henter affaldet?',
        ],
      )}`,
    }),
  },
  {
    label: 'dagtilbud',
    other: 'byggesag',
    template: (c) => ({
      subject: c.pick(['Dagpleje i eget hjem', 'Ombygning til dagpleje', 'Godkendelse som dagplejer']),
      body: `Jeg vil gerne være dagplejer i mit hus på ${c.person.street}. ${c.pick([
        'Skal huset godkendes, og kræver det byggetilladelse at lave legerum i garagen?',
        'Hvem godkender lokalerne, og er der krav til flugtveje?',
      ])}`,
    }),
  },
  {
    label: 'parkering',
    other: 'borgerservice',
    template: (c) => ({
      subject: c.pick([
        'P-afgift ved rådhuset',
        'Afgift mens jeg var i Borgerservice',
        'Parkering ved Borgerservice',
      ]),
      body: `Jeg fik en p-afgift ${c.date(-10, -1)} mens jeg var i Borgerservice for at ${c.pick(['hente mit pas', 'forny kørekort', 'få hjælp til MitID'])}. ${c.pick(
        [
          'Køen var over en time, så jeg kunne ikke nå at flytte bilen.',
          'Der er alt for få pladser ved rådhuset.',
        ],
      )} Reg.nr. ${c.plate()}.`,
    }),
  },
  {
    label: 'aeldre',
    other: 'byggesag',
    template: (c) => ({
      subject: c.pick(['Boligindretning', 'Rampe ved hoveddøren', 'Ombygning af badeværelse til kørestol']),
      body: `Min ${c.pick(['mor', 'mand', 'far'])} sidder i kørestol og vi skal have ${c.pick(['en rampe op til hoveddøren', 'fjernet dørtrin', 'ombygget badeværelset'])}. ${c.pick(
        [
          'Kan kommunen give tilskud til boligindretning, og skal rampen have byggetilladelse?',
          'Hvem skal vi søge hos, og skal der tegninger med?',
        ],
      )}`,
    }),
  },
  {
    label: 'skat',
    other: 'affald',
    template: (c) => ({
      subject: c.pick([
        'Renovation på ejendomsskattebilletten',
        'Affaldsgebyr på opkrævningen',
        'Forkert opkrævning - renovation',
      ]),
      body: `På opkrævningen for ejendomsskat er der ${c.amount(2500, 6000)} for renovation, men ${c.pick(['huset har stået tomt hele året', 'vi har kun én beholder', 'vi har delt beholder med naboen'])}. ${c.pick(
        ['Kan opkrævningen rettes og pengene betales tilbage?', 'Skal jeg betale nu og få refusion senere?'],
      )}`,
    }),
  },
  {
    label: 'borgerservice',
    other: 'skat',
    template: (c) => ({
      subject: c.pick(['Udrejse og ejendomsskat', 'Flytter til udlandet - hvad med regningerne?']),
      body: `Vi flytter til ${c.pick(['Sverige', 'Spanien', 'Tyskland'])} ${c.date(10, 60)} men beholder huset. ${c.pick(
        [
          'Hvordan melder vi udrejse, og hvordan kan vi betale ejendomsskat uden NemKonto i Danmark?',
          'Skal vi melde flytning hos jer, og sendes opkrævningerne så stadig i Digital Post?',
        ],
      )}`,
    }),
  },
];
