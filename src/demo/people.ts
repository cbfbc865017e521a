import type { Rng } from './random.js';

/** Fictional people, places and firms. Combinations are random; any likeness to a real person is chance. */

const danishFirst = [
  'Anne',
  'Mette',
  'Hanne',
  'Susanne',
  'Lene',
  'Camilla',
  'Louise',
  'Maria',
  'Charlotte',
  'Julie',
  'Sofie',
  'Ida',
  'Emma',
  'Freja',
  'Karen',
  'Inge',
  'Birthe',
  'Kirsten',
  'Pia',
  'Tina',
  'Line',
  'Signe',
  'Maja',
  'Nanna',
  'Astrid',
  'Jens',
  'Peter',
  'Lars',
  'Henrik',
  'Søren',
  'Niels',
  'Michael',
  'Thomas',
  'Anders',
  'Martin',
  'Rasmus',
  'Mads',
  'Jesper',
  'Morten',
  'Kasper',
  'Christian',
  'Jørgen',
  'Bent',
  'Ole',
  'Poul',
  'Frederik',
  'Mikkel',
  'Emil',
  'Oliver',
  'Jonas',
  'Bjørn',
  'Kåre',
  'Søs',
  'Ahmed',
  'Fatima',
  'Ali',
  'Mariam',
  'Yasmin',
  'Omar',
  'Agnieszka',
  'Tomasz',
] as const;

const danishLast = [
  'Nielsen',
  'Jensen',
  'Hansen',
  'Pedersen',
  'Andersen',
  'Christensen',
  'Larsen',
  'Sørensen',
  'Rasmussen',
  'Jørgensen',
  'Petersen',
  'Madsen',
  'Kristensen',
  'Olsen',
  'Thomsen',
  'Poulsen',
  'Johansen',
  'Møller',
  'Mortensen',
  'Knudsen',
  'Mikkelsen',
  'Frederiksen',
  'Lund',
  'Holm',
  'Schmidt',
  'Kjær',
  'Bach',
  'Dahl',
  'Skov',
  'Vestergaard',
  'Østergaard',
  'Nørgaard',
  'Brødsgaard',
  'Søgaard',
  'Lauridsen',
  'Friis',
  'Bech',
  'Krogh',
  'Iversen',
  'Yilmaz',
  'Hussein',
  'Kowalski',
] as const;

const expatFirst = [
  'James',
  'Emily',
  'Daniel',
  'Sarah',
  'Lukas',
  'Anna',
  'Marco',
  'Priya',
  'David',
  'Laura',
] as const;
const expatLast = [
  'Smith',
  'Miller',
  'Müller',
  'Rossi',
  'Patel',
  'García',
  'Wilson',
  'Brown',
  'Novak',
  'Kim',
] as const;

const streetNames = [
  'Strandvejen',
  'Skolegade',
  'Kirkevej',
  'Birkevej',
  'Egevej',
  'Bøgevænget',
  'Møllevej',
  'Fjordvej',
  'Havnegade',
  'Søndergade',
  'Nørregade',
  'Vestergade',
  'Østergade',
  'Engvej',
  'Lærkevej',
  'Rosenvænget',
  'Ahornvej',
  'Kastanjeallé',
  'Granvej',
  'Mågevej',
  'Skovbrynet',
  'Præstevænget',
  'Åbakken',
  'Ålekistevej',
  'Bakkedraget',
  'Tjørnevej',
  'Fiskerstien',
  'Stationsvej',
  'Industrivej',
  'Kongevejen',
  'Slåenbakken',
  'Hyldegården',
  'Fasanvej',
  'Vibevej',
  'Solsortevej',
  'Rønnebærvej',
] as const;

export const towns = [
  { zip: '4000', town: 'Fjordby' },
  { zip: '4000', town: 'Fjordby' },
  { zip: '4000', town: 'Fjordby' },
  { zip: '4010', town: 'Nørre Fjordby' },
  { zip: '4020', town: 'Ulvsbjerg' },
  { zip: '4030', town: 'Skovkrog' },
  { zip: '4040', town: 'Lystrup Strand' },
] as const;

export const ejerlav = [
  'Fjordby By, Fjordby',
  'Ulvsbjerg By, Ulvsbjerg',
  'Skovkrog By, Skovkrog',
  'Lystrup Strand',
] as const;

const freemailDomains: readonly (readonly [string, number])[] = [
  ['gmail.com', 40],
  ['hotmail.dk', 14],
  ['hotmail.com', 8],
  ['outlook.dk', 10],
  ['live.dk', 8],
  ['yahoo.dk', 5],
  ['mail.dk', 6],
  ['icloud.com', 7],
  ['jubii.dk', 2],
];

export interface Person {
  first: string;
  last: string;
  name: string;
  address: string;
  street: string;
  zip: string;
  town: string;
  email: string;
  phone: string;
  /** Date of birth, used for a date-valid CPR number. */
  born: Date;
  expat: boolean;
}

/** Danish letters as people type them on keyboards without æøå: æ -> ae, ø -> oe, å -> aa. */
export function asciiDanish(text: string): string {
  return text
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/Æ/g, 'Ae')
    .replace(/Ø/g, 'Oe')
    .replace(/Å/g, 'Aa')
    .replace(/é/g, 'e')
    .replace(/ü/g, 'u')
    .replace(/í/g, 'i');
}

const mailbox = (text: string): string =>
  asciiDanish(text.toLowerCase())
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 20);

export function phoneNumber(rng: Rng): string {
  const first = rng.pick(['2', '3', '4', '5', '6', '7', '8', '9']);
  const digits = first + String(rng.int(1000000, 9999999));
  switch (rng.int(0, 3)) {
    case 0:
      return digits;
    case 1:
      return `+45 ${digits}`;
    default:
      return digits.replace(/(\d{2})(\d{2})(\d{2})(\d{2})/, '$1 $2 $3 $4');
  }
}

export function makePerson(
  rng: Rng,
  options: { expat?: boolean; minAge?: number; maxAge?: number } = {},
): Person {
  const expat = options.expat ?? false;
  const first = expat ? rng.pick(expatFirst) : rng.pick(danishFirst);
  const last = expat ? rng.pick(expatLast) : rng.pick(danishLast);
  const middle = !expat && rng.chance(0.2) ? ` ${rng.pick(danishLast)}` : '';
  const name = `${first}${middle} ${last}`;
  const place = rng.pick(towns);
  const street = `${rng.pick(streetNames)} ${rng.int(1, 140)}${rng.chance(0.15) ? rng.pick(['A', 'B', 'C']) : ''}${
    rng.chance(0.2) ? `, ${rng.int(1, 4)}. ${rng.pick(['tv', 'th', 'mf'])}` : ''
  }`;
  const minAge = options.minAge ?? 19;
  const maxAge = options.maxAge ?? 80;
  const born = new Date(Date.UTC(2026 - rng.int(minAge, maxAge), rng.int(0, 11), rng.int(1, 28)));
  const year = String(born.getUTCFullYear()).slice(2);
  const local = rng.weighted<string>([
    [`${mailbox(first)}.${mailbox(last)}`, 4],
    [`${mailbox(first)}${mailbox(last)}${year}`, 2],
    [`${mailbox(first)}_${rng.int(1, 99)}`, 1],
    [`${mailbox(first).slice(0, 2)}${mailbox(last).slice(0, 3)}`, 1],
    [`${mailbox(first)}${rng.int(100, 999)}`, 1],
  ]);
  const email = `${local}@${rng.weighted(freemailDomains)}`;
  return {
    first,
    last,
    name,
    street,
    zip: place.zip,
    town: place.town,
    address: `${street}, ${place.zip} ${place.town}`,
    email,
    phone: phoneNumber(rng),
    born,
    expat,
  };
}

export interface Firm {
  name: string;
  domain: string;
  kind:
    | 'vvs'
    | 'toemrer'
    | 'arkitekt'
    | 'landinspektoer'
    | 'inkasso'
    | 'advokat'
    | 'maegler'
    | 'vognmand'
    | 'employer'
    | 'bank'
    | 'boligforening';
}

export const firms: readonly Firm[] = [
  { name: 'Fjordby VVS & Blik ApS', domain: 'fjordbyvvs.dk', kind: 'vvs' },
  { name: 'Hansens VVS', domain: 'hansens-vvs.dk', kind: 'vvs' },
  { name: 'Tømrerfirmaet Nørgaard & Søn', domain: 'nrgaard-toemrer.dk', kind: 'toemrer' },
  { name: 'Ulvsbjerg Byg ApS', domain: 'ulvsbjergbyg.dk', kind: 'toemrer' },
  { name: 'Lindholm Arkitekter', domain: 'lindholm-ark.dk', kind: 'arkitekt' },
  { name: 'Tegnestuen Fjord', domain: 'tegnestuenfjord.dk', kind: 'arkitekt' },
  { name: 'Landinspektørfirmaet Kyst', domain: 'kyst-landinspektor.dk', kind: 'landinspektoer' },
  { name: 'Nordlys Inkasso A/S', domain: 'nordlysinkasso.dk', kind: 'inkasso' },
  { name: 'Kreditcentralen Øst ApS', domain: 'kc-oest.dk', kind: 'inkasso' },
  { name: 'Advokatfirmaet Bech & Lund', domain: 'bechlund-advokat.dk', kind: 'advokat' },
  { name: 'Boligmægler Fjord', domain: 'boligmaeglerfjord.dk', kind: 'maegler' },
  { name: 'Skovkrog Ejendomshandel', domain: 'skovkrog-ejendom.dk', kind: 'maegler' },
  { name: 'Vognmand Krogh', domain: 'krogh-transport.dk', kind: 'vognmand' },
  { name: 'Bageriet Havnen ApS', domain: 'bagerihavnen.dk', kind: 'employer' },
  { name: 'Fjordby Maskinfabrik A/S', domain: 'fjordbymaskin.dk', kind: 'employer' },
  { name: 'Brugsen Ulvsbjerg', domain: 'ulvsbjerg-brugs.dk', kind: 'employer' },
  { name: 'Fjordby Sparekasse', domain: 'fjordbysparekasse.dk', kind: 'bank' },
  { name: 'Boligforeningen Fjordhus', domain: 'fjordhus.dk', kind: 'boligforening' },
];

export const firmsOf = (kind: Firm['kind']): Firm[] => firms.filter((firm) => firm.kind === kind);
