import { mulberry32, type MailRecord } from '../../src/model/index.js';

export const NOISY_TARGETS = ['byg', 'park', 'skat', 'pas'] as const;

/**
 * Noisy synthetic mail over four targets, seeded: each of a mail's 10 words is a word of its own
 * target's topic with probability 0.2, of a random target's topic with 0.25, else a shared word.
 * A model trained long on it is over-confident, which temperature scaling should undo.
 */
export function noisyMail(seed: number): (n: number, prefix: string) => MailRecord[] {
  const random = mulberry32(seed);
  const topics = NOISY_TARGETS.map((t) => Array.from({ length: 12 }, (_, k) => `${t}ord${k}`));
  const shared = Array.from({ length: 60 }, (_, k) => `fælles${k}`);
  return (n, prefix) =>
    Array.from({ length: n }, (_, i) => {
      const c = i % 4;
      const words = Array.from({ length: 10 }, () => {
        const r = random();
        const topic = topics[r < 0.2 ? c : Math.floor(random() * 4)]!;
        return r < 0.45 ? topic[Math.floor(random() * 12)]! : shared[Math.floor(random() * 60)]!;
      });
      return {
        id: `${prefix}${i}`,
        mail: { subject: null, body: words.join(' '), from: null, to: null },
        label: NOISY_TARGETS[c]!,
        date: null,
      };
    });
}
