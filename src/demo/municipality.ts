export interface DemoDepartment {
  /** Class label used by the model and in the dataset. */
  label: string;
  name: string;
  address: string;
  description: string;
}

export interface DemoMunicipality {
  name: string;
  domain: string;
  mainMailbox: string;
  reviewFolder: string;
  departments: DemoDepartment[];
}

const domain = 'fjordby.dk';

const department = (label: string, name: string, description: string): DemoDepartment => ({
  label,
  name,
  address: `${label}@${domain}`,
  description,
});

/** A fictional Danish municipality; every name and address in it is made up. */
export const demoMunicipality: DemoMunicipality = {
  name: 'Fjordby Kommune',
  domain,
  mainMailbox: `post@${domain}`,
  reviewFolder: 'Til manuel fordeling',
  departments: [
    department(
      'byggesag',
      'Byggesag',
      'Byggetilladelser, carporte, tilbygninger, BBR, skel, tegninger og anmeldelser af byggeri.',
    ),
    department(
      'borgerservice',
      'Borgerservice',
      'Pas, kørekort, sundhedskort, flytning, folkeregister, MitID og digital post.',
    ),
    department(
      'parkering',
      'Parkering',
      'Parkeringsafgifter og klager over dem, beboerlicenser, handicapparkering og p-tilladelser.',
    ),
    department(
      'affald',
      'Affald og genbrug',
      'Storskrald, affaldsbeholdere, glemte tømninger, genbrugspladser og haveaffald.',
    ),
    department(
      'skat',
      'Skat og opkrævning',
      'Ejendomsskat, opkrævninger, restancer, rykkere og betalingsaftaler med kommunen.',
    ),
    department(
      'beskaeftigelse',
      'Beskæftigelse',
      'Jobcenter, dagpenge, kontanthjælp, sygedagpenge, praktik og virksomhedsservice.',
    ),
    department(
      'dagtilbud',
      'Dagtilbud',
      'Vuggestue, børnehave, dagpleje, pladsanvisning og fripladstilskud.',
    ),
    department(
      'aeldre',
      'Ældre og sundhed',
      'Hjemmepleje, plejebolig, hjælpemidler, genoptræning og madordning.',
    ),
  ],
};

/** Relative share of each department in the mail flow (borgerservice and byggesag large, dagtilbud small). */
export const departmentShares: readonly (readonly [string, number])[] = [
  ['borgerservice', 22],
  ['byggesag', 18],
  ['affald', 13],
  ['parkering', 12],
  ['beskaeftigelse', 11],
  ['skat', 10],
  ['aeldre', 9],
  ['dagtilbud', 5],
];
