import type { Ctx } from '../context.js';

/**
 * Earlier answers from the municipality, which citizens quote in replies or forward. A reply may quote
 * an answer from another department (an old thread reused for a new question).
 */
export const municipalAnswers: Record<string, ((c: Ctx) => string)[]> = {
  byggesag: [
    (c) =>
      `Tak for din ansøgning om byggetilladelse. Sagen er oprettet med nummer ${c.caseNo()}. Sagsbehandlingstiden er for tiden ca. ${c.int(6, 12)} uger.`,
    () =>
      'For at vi kan behandle ansøgningen, mangler vi en situationsplan med afstande til skel samt facadetegninger.',
    () =>
      'Et byggeri under 50 m2 i mindst 2,5 meters afstand fra skel er som udgangspunkt ikke byggetilladelsespligtigt, men skal overholde bygningsreglementet.',
  ],
  borgerservice: [
    () =>
      'Du kan bestille tid til pas og kørekort på fjordby.dk/tidsbestilling. Husk at medbringe dit gamle pas og et godkendt foto.',
    () => 'Din flytning er nu registreret i CPR. Dit nye sundhedskort sendes til din nye adresse.',
    () => 'Borgerservice har åbent mandag til fredag kl. 10-14 og torsdag til kl. 17.',
  ],
  parkering: [
    (c) =>
      `Vi har modtaget din klage over parkeringsafgift nr. ${c.int(1000000, 9999999)}. Afgiften fastholdes, da p-skiven ikke var synlig.`,
    () => 'Beboerlicensen er fornyet og gælder nu i 12 måneder for det oplyste registreringsnummer.',
    () => 'Parkeringsafgiften er annulleret. Du skal ikke foretage dig yderligere.',
  ],
  affald: [
    () => 'Vi har bestilt afhentning hos renovatøren. Beholderen tømmes senest i morgen.',
    () => 'Din nye affaldsbeholder leveres inden for 10 arbejdsdage.',
    () => 'Storskrald afhentes på din adresse på den bestilte dag. Stil det ud senest kl. 6.',
  ],
  skat: [
    (c) =>
      `Restancen udgør ${c.amount(1000, 20000)}. Vi kan tilbyde en betalingsaftale med månedlige afdrag.`,
    () => 'Ejendomsskatten opkræves i to rater med forfald 1. januar og 1. juli.',
    () => 'Vi har registreret din indbetaling, og rykkergebyret er frafaldet.',
  ],
  beskaeftigelse: [
    (c) =>
      `Du er indkaldt til samtale i Jobcenter Fjordby ${c.date(3, 15)} kl. ${c.int(9, 14)}.00. Husk at opdatere dit CV på Jobnet.`,
    () =>
      'Din ansøgning om kontanthjælp er modtaget. Vi kontakter dig, når vi har de nødvendige oplysninger.',
    () => 'Opfølgningssamtalen om dine sygedagpenge holdes telefonisk.',
  ],
  dagtilbud: [
    () =>
      'Pladsanvisningen har modtaget jeres ønske om plads. I får tilbud om plads senest en måned før startdatoen.',
    () => 'Ansøgningen om fripladstilskud skal ske digitalt, og vi skal bruge jeres husstandsindkomst.',
    () => 'Dagplejen har lukket i uge 29 og 30. Gæstedagpleje skal bestilles senest 1. maj.',
  ],
  aeldre: [
    () => 'Visitationen har modtaget ansøgningen, og en visitator kontakter jer inden for 14 dage.',
    () => 'Hjemmeplejen beklager det aflyste besøg. Vi har lavet en ny plan for ugen.',
    () => 'Hjælpemidlet er bevilget og leveres af hjælpemiddeldepotet.',
  ],
};

export const departmentSignature: Record<string, string> = {
  byggesag: 'Byggesag\nTeknik og Miljø',
  borgerservice: 'Borgerservice',
  parkering: 'Parkering\nVej og Trafik',
  affald: 'Affald og Genbrug',
  skat: 'Skat og Opkrævning',
  beskaeftigelse: 'Jobcenter Fjordby',
  dagtilbud: 'Pladsanvisningen\nDagtilbud',
  aeldre: 'Visitationen\nÆldre og Sundhed',
};

/**
 * Side remarks about another department's matter, which citizens add as context ("I'm on sick leave",
 * "we've just moved"). They do not change who owns the mail, but they put other departments' words in it.
 */
export const asides: Record<string, ((c: Ctx) => string)[]> = {
  byggesag: [
    () => 'Vi er i gang med at bygge en tilbygning, så der er lidt kaos her for tiden.',
    () => 'Vi har lige fået byggetilladelse til en carport.',
    () => 'Huset er ved at blive renoveret, og håndværkerne er her hver dag.',
    () => 'Vi har fået tegninger lavet til en ny terrasse.',
  ],
  borgerservice: [
    () => 'Jeg er lige flyttet hertil fra Aarhus.',
    () => 'Mit MitID virker ikke, så jeg kan ikke logge ind og gøre det selv.',
    () => 'Jeg har lige fået nyt pas og kørekort, så det er ikke det.',
    () => 'Vi har meldt flytning på borger.dk.',
  ],
  parkering: [
    () => 'Jeg har i øvrigt beboerlicens til bilen.',
    () => 'Jeg fik også en p-afgift i sidste uge, men det er en anden sag.',
    () => 'Der er aldrig nogen parkeringspladser ved rådhuset.',
  ],
  affald: [
    () => 'Skraldespanden står nede ved carporten.',
    () => 'Genbrugspladsen var lukket da jeg kom forbi.',
    () => 'Storskraldet blev i øvrigt hentet fint.',
  ],
  skat: [
    () => 'Vi har lige betalt ejendomsskatten.',
    () => 'Jeg har en betalingsaftale med jer i forvejen.',
    () => 'Vi fik også en rykker for nylig, men den er betalt.',
  ],
  beskaeftigelse: [
    () => 'Jeg er ledig for tiden og har derfor tid i dagtimerne.',
    () => 'Jeg er sygemeldt og får sygedagpenge.',
    () => 'Jeg er i praktik gennem jobcentret.',
    () => 'Jeg er på kontanthjælp, så økonomien er stram.',
  ],
  dagtilbud: [
    () => 'Vores søn går i vuggestuen, så jeg kan først efter kl. 16.',
    () => 'Jeg skal hente børn i børnehaven kl. 15.',
    () => 'Vi har to børn i dagplejen.',
  ],
  aeldre: [
    () => 'Min mor får hjemmehjælp, så det er mig der tager mig af hendes ting.',
    () => 'Jeg går med rollator efter min operation.',
    () => 'Min far har lige fået plejebolig.',
    () => 'Jeg er i genoptræning to gange om ugen.',
  ],
};
