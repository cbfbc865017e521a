import { z } from 'zod';

/*
 * The rule language. A rule is named, ordered and of one kind:
 * - override: runs before the model and decides on its own;
 * - fallback: applies only when the model is not confident.
 * Conditions combine with all / any / not.
 */

/** Exact, case-insensitive, with `*` as a wildcard: `*@skat.dk`, `faktura*.pdf`. */
const pattern = z.string().min(1).max(320);

const textMatch = z.union([
  z.object({ contains: z.string().min(1).max(500) }).strict(),
  z.object({ equals: z.string().max(500) }).strict(),
  z
    .object({
      regex: z.string().min(1).max(500),
      /** Only `i` (ignore case) and `u` are allowed; `g`/`y` would make matching stateful. */
      flags: z
        .string()
        .regex(/^[iu]{0,2}$/, "expected flags made of 'i' and 'u'")
        .optional(),
    })
    .strict(),
]);

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM');

// A recursive schema needs its type spelled out once (TypeScript cannot infer a type from an
// initializer that refers to itself); the schema below is checked against it.
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { sender: string }
  | { senderDomain: string }
  | { recipient: string }
  | { subject: z.infer<typeof textMatch> }
  | { body: z.infer<typeof textMatch> }
  | { attachmentName: string }
  | { attachmentType: string }
  | { header: { name: string; value: z.infer<typeof textMatch> } }
  | { received: { weekdays?: z.infer<typeof weekday>[]; from?: string; to?: string; timezone?: string } };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z.object({ sender: pattern }).strict(),
    z.object({ senderDomain: pattern }).strict(),
    z.object({ recipient: pattern }).strict(),
    z.object({ subject: textMatch }).strict(),
    z.object({ body: textMatch }).strict(),
    z.object({ attachmentName: pattern }).strict(),
    z.object({ attachmentType: pattern }).strict(),
    z.object({ header: z.object({ name: z.string().min(1).max(100), value: textMatch }).strict() }).strict(),
    z
      .object({
        received: z
          .object({
            weekdays: z.array(weekday).min(1).optional(),
            from: clock.optional(),
            to: clock.optional(),
            timezone: z.string().min(1).default('Europe/Copenhagen'),
          })
          .strict(),
      })
      .strict(),
  ]),
);

export const ruleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9æøå][a-z0-9æøå._-]{0,99}$/, 'expected a lower-case name of letters, digits, . _ -'),
    kind: z.enum(['override', 'fallback']),
    /** The label of the target the rule sends mail to. */
    target: z.string().min(1),
    when: conditionSchema,
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
  })
  .strict();

export type RuleDefinition = z.infer<typeof ruleSchema>;
export type RuleKind = RuleDefinition['kind'];
