import type { Template } from '../context.js';

/**
 * Mails that say almost nothing about their topic ("se vedhæftede", "status på min sag"). Their true
 * department is known only from context the model cannot see, as in real mailboxes. `hint` is a word a
 * citizen sometimes puts in the subject, which gives the model a weak clue.
 */
export const vagueHints: Record<string, readonly string[]> = {
  byggesag: ['byggesag', 'tegninger', 'ansøgning'],
  borgerservice: ['pas', 'attest', 'dokumenter'],
  parkering: ['afgift', 'klage', 'nummerplade'],
  affald: ['skraldespand', 'affald', 'tømning'],
  skat: ['betaling', 'opkrævning', 'indbetaling'],
  beskaeftigelse: ['jobcenter', 'lønsedler', 'møde'],
  dagtilbud: ['plads', 'ansøgning', 'vores søn'],
  aeldre: ['min mor', 'min far', 'visitation'],
};

export const vague: Template[] = [
  (c) => ({
    subject: c.pick(['', 'Dokumentation', 'Bilag', 'Scan', 'Som aftalt', 'Til jer', 'Fremsendelse']),
    body: c.pick([
      'Se vedhæftede',
      'se vedhæftede.',
      'Hermed dokumentation som aftalt.',
      'Vedhæftet som lovet',
      'Her er papirerne',
      'Sender hermed det ønskede',
    ]),
    attachments: [
      c.pick([
        'scan.pdf',
        `Scan_${c.year()}${String(c.int(1000, 9999))}.pdf`,
        'dokument.pdf',
        `IMG_${String(c.int(1000, 9999))}.jpg`,
        'bilag.docx',
      ]),
    ],
    bare: c.chance(0.5),
  }),
  (c) => {
    const caseNo = c.caseNo();
    return {
      subject: c.pick([
        `Sag ${caseNo}`,
        'Status på min sag',
        `Status - ${caseNo}`,
        'Har ikke hørt noget',
        'Hvor langt er I?',
      ]),
      body: `${c.pick(['Jeg har ikke hørt noget i min sag', 'Hvor langt er I med sag', 'Kan I give en status på sag', 'Jeg venter stadig på svar i sagen med nummer'])} ${caseNo}. ${c.pick(
        [
          'Det er snart to måneder siden jeg skrev.',
          'Jeg har ringet to gange uden at komme igennem.',
          'Jeg håber at høre fra jer snart.',
          '',
        ],
      )}`,
    };
  },
  (c) => ({
    subject: c.pick(['Ring venligst', 'Opringning', 'Vil gerne ringes op', 'Kontakt']),
    body: `${c.pick(['Vil I ringe mig op', 'Kan en sagsbehandler ringe til mig', 'Jeg vil gerne tale med nogen'])} ${c.pick(['angående min sag', 'om det brev jeg har fået', 'hurtigst muligt'])} på ${c.phone()}. ${c.pick(['Jeg kan træffes efter kl. 15.', 'Tak.', ''])}`,
  }),
  (c) => ({
    subject: c.pick(['Tak', 'Tak for hjælpen', 'SV: Tak', 'Tak for svar']),
    body: c.pick([
      'Tak for et hurtigt svar, det var en stor hjælp.',
      'Mange tak for hjælpen i går.',
      'Tak, så er det på plads.',
      'Tak for svaret. Jeg venter så til jeg hører fra jer.',
    ]),
  }),
  (c) => ({
    subject: c.pick(['Klage', 'Utilfreds', 'Klage over sagsbehandling', 'Dårlig service']),
    body: `${c.pick([
      'Jeg er meget utilfreds med den måde min sag er blevet behandlet på.',
      'Jeg har nu skrevet tre gange uden at få svar, det er ikke i orden.',
      'Jeres medarbejder i telefonen var afvisende og uhøflig.',
    ])} ${c.pick(['Jeg ønsker at tale med en leder.', 'Jeg forventer et svar inden for en uge.', 'Hvordan klager man?'])}`,
  }),
  (c) => ({
    subject: c.pick(['Brev fra kommunen', 'Forstår ikke brevet', 'Spørgsmål til brev', 'Hvad betyder det?']),
    body: `Jeg har fået et brev fra jer ${c.date(-14, -1)}, som jeg ikke forstår. ${c.pick(['Kan nogen forklare mig hvad jeg skal gøre?', 'Skal jeg gøre noget?', 'Der står en frist, men ikke hvad jeg skal sende.'])}`,
  }),
  (c) => ({
    subject: c.pick(['Aktindsigt', 'Anmodning om aktindsigt', `Aktindsigt i sag ${c.caseNo()}`]),
    body: `Jeg anmoder hermed om aktindsigt i ${c.pick(['min sag', 'alle dokumenter i sagen', 'sagen om min ejendom', 'min families sag'])}${c.maybe(0.5, ` med nummer ${c.caseNo()}`)}. ${c.pick(['Jeg ønsker dokumenterne tilsendt i Digital Post.', 'Herunder interne mails og notater.', ''])}`,
  }),
  (c) => ({
    subject: c.pick(['Fuldmagt', 'Fuldmagt til min datter', 'Partsrepræsentant']),
    body: `${c.pick(['Hermed fuldmagt til', 'Jeg giver fuldmagt til', 'Vedhæftet er fuldmagt til'])} ${c.pick(['min datter', 'min søn', 'min advokat', 'min bisidder'])}, så ${c.pick(['hun', 'han'])} kan tale med jer på mine vegne.`,
    attachments: c.chance(0.6) ? ['fuldmagt.pdf'] : [],
  }),
];
