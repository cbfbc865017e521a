import type { Template } from '../context.js';

export const parkering: Template[] = [
  (c) => {
    const fine = c.pick(['510 kr.', '510,00 kr.', '790 kr.', '510 kr']);
    return {
      subject: c.pick([
        'Klage over parkeringsafgift',
        'Klage over p-afgift',
        'P-afgift',
        'Uberettiget parkeringsafgift',
        `Klage - afgift nr. ${c.int(1000000, 9999999)}`,
        'parkeringsbøde',
      ]),
      body: `${c.pick(['Jeg har fået en parkeringsafgift', 'Jeg fandt en p-afgift på min bil', 'Min kone fik en afgift'])} på ${fine} ${c.date(-14, -1)} på ${c.pick(['Torvet', 'Havnepladsen', 'Stationspladsen', 'Skolegade', 'parkeringspladsen ved hallen', 'Rådhuspladsen'])}. ${c.pick(
        [
          'P-skiven var sat, men den var faldet ned fra ruden.',
          'Jeg var kun 4 minutter over tiden, fordi jeg stod i kø på apoteket.',
          'Jeg havde betalt i appen, men nummerpladen var indtastet forkert med ét bogstav.',
          'Skiltningen er helt uklar, der står intet om tidsbegrænsning.',
          'Bilen var ikke min, jeg havde solgt den ugen før.',
        ],
      )} ${c.pick(['Jeg beder om at afgiften annulleres.', 'Jeg mener ikke jeg skal betale.', 'Kan I se på sagen igen?'])}\nReg.nr. ${c.plate()}`,
      attachments: c.chance(0.4) ? [c.pick(['p-skive.jpg', 'kvittering_app.png', 'skilt.jpg'])] : [],
    };
  },
  (c) => ({
    subject: c.pick([
      'Beboerlicens',
      'Ansøgning om beboerparkering',
      'Fornyelse af beboerlicens',
      'Ny bil - beboerlicens',
      'beboer p-licens',
    ]),
    body: `${c.pick(['Jeg bor på', 'Vi er lige flyttet til', 'Jeg har boet i mange år på'])} ${c.person.street} og ${c.pick(
      [
        'vil gerne søge om beboerlicens til min bil',
        'har fået ny bil, så licensen skal flyttes til den nye nummerplade',
        'min licens udløber ved månedens udgang',
        'kan ikke finde ud af at forny licensen på nettet',
      ],
    )}. ${c.pick(['Reg.nr. er', 'Bilen har nummeret', 'Nummerpladen er'])} ${c.plate()}.${c.maybe(0.4, ' Hvad koster det om året?')}`,
  }),
  (c) => ({
    subject: c.pick([
      'Handicapparkering',
      'Handicap p-plads ved min bolig',
      'Reserveret handicapplads',
      'handicapkort parkering',
    ]),
    body: `${c.pick(['Jeg har handicapkort', 'Min mand sidder i kørestol og har handicapparkeringskort', 'Jeg er gangbesværet og har handicapkort'])} og ${c.pick(
      [
        'vil gerne søge om en reserveret handicapparkeringsplads foran opgangen',
        'der er aldrig ledige handicappladser ved ' + c.pick(['lægehuset', 'Kvickly', 'svømmehallen']),
        'har fået en afgift selvom kortet lå i forruden',
      ],
    )}. ${c.pick(['Hvordan søger man?', 'Kan I hjælpe?', 'Vedhæfter kopi af kortet.'])}\nBil: ${c.plate()}`,
    attachments: c.chance(0.3) ? ['handicapkort.jpg'] : [],
  }),
  (c) => ({
    subject: c.pick([
      'Betaling af p-afgift',
      'Afdrag på parkeringsafgift',
      'Rykker for p-afgift',
      'Har betalt afgiften',
    ]),
    body: `${c.pick([
      'Jeg har modtaget en rykker for en parkeringsafgift, men jeg har betalt den',
      'Kan jeg betale min parkeringsafgift i rater',
      'Jeg kan ikke finde ud af hvor jeg skal betale p-afgiften',
    ])}${c.pick(['.', '?'])} ${c.pick([`Afgiftsnummer ${c.int(1000000, 9999999)}.`, `Bilen er ${c.plate()}.`, 'Betalingen gik ud fra min konto for 2 uger siden.'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'Gæstelicens',
      'Parkering for håndværkere',
      'Håndværkerlicens',
      'P-tilladelse til gæster',
    ]),
    body: `${c.pick(['Vi får besøg', 'Vi har håndværkere', 'Min mor kommer og passer børnene'])} ${c.pick(['i næste uge', 'de næste 3 uger', 'hver tirsdag'])}, og der er ${c.pick(['2 timers parkering', 'beboerparkering', 'p-zone'])} på vejen. ${c.pick(
      [
        'Kan man købe en gæstelicens eller håndværkerlicens?',
        'Hvordan undgår de at få en afgift?',
        'Gælder beboerlicensen også for gæster?',
      ],
    )}`,
  }),
  (c) => ({
    subject: c.pick([
      'Ulovligt parkerede biler',
      'Biler parkerer på fortovet',
      'Trailer parkeret i måneder',
      'Campingvogn på vejen',
      'Spærret indkørsel',
    ]),
    body: `${c.pick([
      'Der holder hver dag biler parkeret på fortovet på',
      'En trailer har holdt parkeret i over 3 måneder på',
      'Naboens campingvogn står på vejen ud for',
      'Vores indkørsel bliver spærret af parkerede biler på',
    ])} ${c.person.street}. ${c.pick([
      'Kan I sende en p-vagt forbi?',
      'Barnevogne og kørestole kan ikke komme forbi.',
      'Nummerpladen er ' + c.plate() + '.',
    ])}`,
  }),
  (c) => {
    const { sender } = c.firmSender('vognmand');
    return {
      subject: c.pick(['Parkering af lastbil', 'Tilladelse til parkering af lastbiler', 'Erhvervslicens']),
      body: `Vi har ${c.int(2, 6)} lastbiler som ${c.pick(['holder natten over på', 'skal læsse af på', 'har fået afgifter på'])} ${c.pick(['Industrivej', 'Havnegade', 'Stationsvej'])}. ${c.pick(
        [
          'Kan vi få en erhvervslicens eller en tilladelse til parkering af lastbil over 3.500 kg?',
          'Vi klager over afgifterne, da der ikke er skiltet med forbud for lastbiler.',
          'Hvor i kommunen må lastbiler holde om natten?',
        ],
      )}`,
      sender,
    };
  },
  (c) => ({
    subject: c.pick(['Dårlig oplevelse med p-vagt', 'Klage over parkeringsvagt', 'P-vagten']),
    body: `${c.pick(['P-vagten var meget uhøflig', 'Parkeringsvagten skrev afgiften mens jeg stod ved bilen', 'Jeg så p-vagten tage billeder af min bil i 10 minutter'])} ${c.date(-10, -1)} på ${c.pick(['Havnepladsen', 'Torvet', 'P-huset ved stationen'])}. ${c.pick(['Det synes jeg ikke er i orden.', 'Jeg vil gerne klage over behandlingen.', 'Jeg ønsker afgiften frafaldet.'])}`,
  }),
  (c) => ({
    subject: c.pick([
      'P-skive zoner',
      'Hvor længe må jeg parkere?',
      'Parkering ved stranden om sommeren',
      'Betalingsparkering',
    ]),
    body: `${c.pick(['Gælder 3 timers parkering også i weekenden', 'Er der betalingsparkering ved stranden om sommeren', 'Skal man bruge p-skive på Torvet efter kl. 18', 'Hvorfor er der indført betalingsparkering'])}? ${c.pick(['Skiltene siger ikke noget om det.', 'Jeg bor i området og vil gerne vide det.', 'Jeg har fået afgift to gange.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Parking fine', 'Complaint about parking ticket', 'Resident parking permit']),
    english: true,
    body: `${c.pick([
      `I received a parking fine on my car ${c.plate()} yesterday. The parking disc was on the dashboard and I did not know the rules in this zone.`,
      `How can I apply for a resident parking permit? I live on ${c.person.street} and my car is ${c.plate()}.`,
      'I got a parking ticket although I paid in the app. Can you cancel it?',
    ])}`,
  }),
];
