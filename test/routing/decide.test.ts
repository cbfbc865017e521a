import { describe, expect, it } from 'vitest';
import { compileRules, evaluateRules, type RuleMail } from '../../src/rules/index.js';
import { decide, needsFallback, type RouterPolicy } from '../../src/routing/index.js';

const policy: RouterPolicy = {
  mode: 'active',
  threshold: 0.9,
  targets: [
    { label: 'byggesag', enabled: true },
    { label: 'parkering', enabled: true, threshold: 0.97 },
    { label: 'skat', enabled: true },
    { label: 'gammel', enabled: false },
  ],
};
const rules = compileRules(
  [
    { name: 'fra-skat', kind: 'override', target: 'skat', when: { senderDomain: 'skat.dk' } },
    { name: 'tegning', kind: 'fallback', target: 'byggesag', when: { attachmentName: '*.dwg' } },
  ],
  { targets: policy.targets.map((t) => t.label) },
);
const base: RuleMail = {
  senderAddress: 'borger@example.dk',
  recipients: [],
  subject: '',
  body: '',
  attachments: [],
  headers: {},
  receivedAt: new Date('2026-11-23T10:00:00Z'),
};
const model = (label: string, probability: number) => ({
  modelVersion: 'post-1',
  top: [
    { label, probability },
    { label: 'skat', probability: 1 - probability },
  ],
});

function route(mail: RuleMail, verdict: ReturnType<typeof model> | undefined, p = policy) {
  const override = evaluateRules(rules, 'override', mail);
  const needs = needsFallback({ policy: p, override, model: verdict });
  const fallback = needs ? evaluateRules(rules, 'fallback', mail) : undefined;
  return decide({ policy: p, override, model: verdict, fallback });
}

describe('decide', () => {
  it('lets an override rule decide before the model', () => {
    const d = route({ ...base, senderAddress: 'a@skat.dk' }, model('byggesag', 0.99));
    expect(d).toMatchObject({
      outcome: 'routed',
      target: 'skat',
      decidedBy: 'override-rule',
      rule: 'fra-skat',
      act: true,
    });
  });

  it('routes on the model at or above the threshold', () => {
    expect(route(base, model('byggesag', 0.9))).toMatchObject({
      outcome: 'routed',
      target: 'byggesag',
      decidedBy: 'model',
    });
    expect(route(base, model('byggesag', 0.9)).reason).toBe(
      'model post-1: byggesag 90.0 % (threshold 90.0 %)',
    );
  });

  it('honours a per-target threshold', () => {
    const d = route(base, model('parkering', 0.95));
    expect(d).toMatchObject({ outcome: 'review', decidedBy: 'review' });
    expect(d.reason).toBe('model not confident: parkering 95.0 % < 97.0 %');
  });

  it('uses fallback rules only when the model is not confident', () => {
    const withDrawing = { ...base, attachments: [{ name: 'plan.dwg', contentType: 'application/acad' }] };
    expect(route(withDrawing, model('skat', 0.5))).toMatchObject({
      target: 'byggesag',
      decidedBy: 'fallback-rule',
      rule: 'tegning',
    });
    expect(route(withDrawing, model('skat', 0.95))).toMatchObject({ target: 'skat', decidedBy: 'model' });
  });

  it('sends mail to review when there is no model, or the model names a disabled target', () => {
    expect(route(base, undefined)).toMatchObject({ outcome: 'review', reason: 'no model answered' });
    expect(route(base, model('gammel', 0.99))).toMatchObject({
      outcome: 'review',
      reason: "the model's best guess 'gammel' is not an enabled target",
    });
  });

  it('decides the same in shadow mode but does not act', () => {
    const d = route(base, model('byggesag', 0.99), { ...policy, mode: 'shadow' });
    expect(d).toMatchObject({ outcome: 'routed', target: 'byggesag', act: false });
  });
});
