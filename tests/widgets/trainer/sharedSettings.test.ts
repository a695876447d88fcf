import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { keepLinkInStep, linkedSettings, settingsLink, shareLink, sharedMessage } from '../../../src/widgets/trainer/sharedSettings';
import { OVERFITTING_SCHEMA } from '../../../src/ml/overfitting';
import { MAX_HASH_LENGTH, linkHash } from '../../../src/shared/shareLink';
import { checkParam, defaults, type Param, type Schema, type Values } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import { WIDGET_LINK_SCHEMAS, WIDGETS_WITHOUT_LINK_SCHEMA } from '../../../src/widgets/linkSchemas';
import { MNIST_TRAINER_LINK_SCHEMA } from '../../../src/widgets/digits/digitLinkSchemas';
import { widgetRegistry } from '../../../src/widgets/registry';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { specFromText, specToText } from '../../../src/ml/modelSpecText';

const LESSON = '#/lesson/01-train-a-digit-classifier';
const at = (hash: string) => ({ origin: 'http://localhost:5173', pathname: '/', hash });
const hashOf = (link: string) => new URL(link).hash;

/** Every widget's schema, by the name lessons embed it with. */
const WIDGETS: Record<string, Schema> = Object.fromEntries(WIDGET_LINK_SCHEMAS);

/** Any valid value of one setting: a number in its range (whole where it must be), an option, on or off. */
function validValue(param: Param): fc.Arbitrary<unknown> {
  if (param.kind === 'enum') return fc.constantFrom(...param.options.keys());
  if (param.kind === 'boolean') return fc.boolean();
  if (param.kind === 'text') return fc.string({ maxLength: Math.min(param.maxLength, 80) });
  const { min, max } = param;
  // −0 is 0 to every widget (and "0" in a link), so it is generated as 0.
  return fc.oneof(fc.constantFrom(min, max), fc.double({ min, max, noNaN: true })).map((n) => checkParam(param, n).value + 0);
}

/** A whole set of valid settings for `schema`. */
function validSettings(schema: Schema): fc.Arbitrary<Values<Schema>> {
  return fc.record(Object.fromEntries(Object.entries(schema).map(([key, param]) => [key, validValue(param)]))) as fc.Arbitrary<Values<Schema>>;
}

describe('settings shared by link', () => {
  it('has a settings schema for every widget a lesson can embed', () => {
    expect([...WIDGET_LINK_SCHEMAS.keys(), ...WIDGETS_WITHOUT_LINK_SCHEMA].sort()).toEqual([...widgetRegistry.keys()].sort());
  });

  it('sets a value the link gets wrong back to the lesson’s own, and says so', () => {
    const lesson = { ...defaults(TRAINING_SCHEMA), learningRate: 0.02, schedule: 'oneCycle' as const };
    const read = linkedSettings('mnist-trainer', TRAINING_SCHEMA, `${LESSON}?mnist-trainer.learningRate=banana&mnist-trainer.schedule=sideways&mnist-trainer.batchSize=99999`, '', lesson);
    expect(read.values).toMatchObject({ learningRate: 0.02, schedule: 'oneCycle', batchSize: 1024 });
    expect(read.messages.join(' ')).toMatch(/"banana" is not one, so it was set back to 0\.02\./);
    // Without the lesson's settings, the setting's own default.
    expect(linkedSettings('mnist-trainer', TRAINING_SCHEMA, `${LESSON}?mnist-trainer.learningRate=banana`).values.learningRate).toBe(TRAINING_SCHEMA.learningRate.default);
  });

  it('round-trips random valid settings of every widget, against random lesson settings (property)', () => {
    for (const [widget, schema] of WIDGET_LINK_SCHEMAS) {
      fc.assert(
        fc.property(validSettings(schema), validSettings(schema), (shown, lesson) => {
          const link = settingsLink(at(`${LESSON}?other.key=1`), widget, schema, shown, lesson);
          const read = linkedSettings(widget, schema, hashOf(link));
          expect(read.messages).toEqual([]);
          expect({ ...lesson, ...read.values }).toEqual(shown);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('round-trips every widget’s settings that differ from the lesson’s, keeping the lesson and other widgets', () => {
    for (const [widget, schema] of Object.entries(WIDGETS)) {
      const lesson = defaults(schema);
      // Change every setting to another valid value: the midpoint of a range, another enum key, the other boolean.
      const changed = Object.fromEntries(
        Object.entries(schema).map(([key, p]) => [
          key,
          p.kind === 'text' ? `${p.default}changed` : p.kind === 'number' ? checkParam(p, (p.min + p.max) / 2).value : p.kind === 'enum' ? [...p.options.keys()].find((k) => k !== p.default) : !p.default,
        ]),
      ) as typeof lesson;
      const link = settingsLink(at(`${LESSON}?other.key=1`), widget, schema, changed, lesson);
      expect(hashOf(link)).toMatch(new RegExp(`^${LESSON}\\?other\\.key=1&`));
      const read = linkedSettings(widget, schema, hashOf(link));
      expect(read.messages).toEqual([]);
      expect({ ...lesson, ...read.values }).toEqual(changed);
      // Unchanged settings stay out of the link.
      expect(hashOf(settingsLink(at(LESSON), widget, schema, lesson, lesson))).toBe(LESSON);
    }
  });

  it('carries a custom architecture, checked by the same rules as the editor', () => {
    const spec = { layers: [...MNIST_PRESETS.cnn.layers, { type: 'dense' as const, units: 32, activation: 'tanh' as const }, { type: 'dropout' as const, rate: 0.25 }] };
    const link = settingsLink(at(LESSON), 'mnist-trainer', MNIST_TRAINER_LINK_SCHEMA, { ...defaults(MNIST_TRAINER_LINK_SCHEMA), model: 'custom', arch: specToText(spec) });
    const read = linkedSettings('mnist-trainer', MNIST_TRAINER_LINK_SCHEMA, hashOf(link));
    expect(read.messages).toEqual([]);
    expect(read.values.model).toBe('custom');
    expect(specFromText(read.values.arch!, [28, 28, 1], 10)).toEqual({ spec });
    // Every key goes through the schema: an architecture longer than it allows is refused whole, with a message.
    const long = linkedSettings('mnist-trainer', MNIST_TRAINER_LINK_SCHEMA, `${LESSON}?mnist-trainer.model=custom&mnist-trainer.arch=${'dense:8:relu,'.repeat(100)}`);
    expect(long.values.arch).toBe('');
    expect(long.messages.join(' ')).toMatch(/Architecture is 1,300 characters long; at most 1,000 can be used/);
    expect(specFromText('dense:99999:relu', [28, 28, 1], 10)).toMatchObject({ error: expect.stringMatching(/units must be/) });
    expect(specFromText('conv:8:5:same:relu', [28, 28, 1], 10)).toMatchObject({ error: expect.stringMatching(/Flatten/) });
    expect(specFromText('__proto__:1', [28, 28, 1], 10)).toMatchObject({ error: expect.stringMatching(/not a layer/) });
  });

  it('clamps, drops and explains whatever a broken or hand-edited link holds, briefly', () => {
    const huge = '9'.repeat(100_000);
    const unknown = Array.from({ length: 10_000 }, (_, i) => `mnist-trainer.k${i}=1`).join('&');
    const hash = `${LESSON}?mnist-trainer.learningRate=banana&mnist-trainer.batchSize=99999&mnist-trainer.optimizer=magic&mnist-trainer.__proto__=1&mnist-trainer.epochs=2&mnist-trainer.epochs=4&mnist-trainer.schedule=${huge}`;
    const read = linkedSettings('mnist-trainer', TRAINING_SCHEMA, hash.slice(0, MAX_HASH_LENGTH));
    expect(read.values).toMatchObject({ learningRate: 0.005, batchSize: 1024, optimizer: 'adam', epochs: 4 });
    const text = read.messages.join(' ');
    expect(text).toMatch(/“epochs” was given more than once; the last value was used/);
    expect(text).toMatch(/__proto__/);
    for (const m of read.messages) expect(m).toMatch(/^From the link: /);
    // A link over the cap is ignored as a whole; 10,000 unknown keys are one message.
    expect(linkedSettings('mnist-trainer', TRAINING_SCHEMA, hash).messages).toEqual([expect.stringMatching(/too long/)]);
    const many = linkedSettings('mnist-trainer', TRAINING_SCHEMA, `#/lesson/x?${unknown}`.slice(0, MAX_HASH_LENGTH));
    expect(many.messages).toHaveLength(1);
    expect(many.messages[0]).toMatch(/^From the link: [\d,]+ unknown settings were ignored/);
    expect(many.messages[0].length).toBeLessThan(200);
  });

  it('reads the digit trainer’s old links (settings in the query string)', () => {
    const read = linkedSettings('mnist-trainer', MNIST_TRAINER_LINK_SCHEMA, LESSON, '?learningRate=0.02&model=mlp');
    expect(read.values).toEqual({ learningRate: 0.02, model: 'mlp' });
    // An old link over the cap is ignored as a whole, like a new one.
    const huge = linkedSettings('mnist-trainer', TRAINING_SCHEMA, LESSON, `?learningRate=${'1'.repeat(MAX_HASH_LENGTH)}`);
    expect(huge.values).toEqual({});
    expect(huge.messages).toEqual([expect.stringMatching(/^From the link: This link is too long/)]);
  });

  it('never throws on random or hostile hashes, and always yields settings inside every widget’s schema (property)', () => {
    const hostileValue = fc.oneof(
      fc.constantFrom('NaN', '-1', '1e308', '-1e308', 'Infinity', '', ' ', '0x10', '1e-400', '__proto__', 'constructor', '💥', '\u0000', '%E0%A4%A', 'custom', 'worst', '4-9'),
      fc.string({ unit: 'binary' }),
      fc.double().map(String),
      fc.integer().map(String),
      fc.nat({ max: 1_000_000 }).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 100, max: 3000 }).map((n) => '7'.repeat(n)),
    );
    for (const [widget, schema] of WIDGET_LINK_SCHEMAS) {
      const hostileKey = fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', ...Object.keys(schema));
      const entry = fc.tuple(fc.oneof(hostileKey, fc.string()), hostileValue);
      fc.assert(
        fc.property(fc.array(entry, { maxLength: 20 }), fc.string(), (entries, junk) => {
          const query = entries.map(([k, v]) => `${widget}.${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          for (const hash of [`${LESSON}?${query}`, `${LESSON}?${junk}`, junk]) {
            const read = linkedSettings(widget, schema, hash);
            for (const [key, value] of Object.entries(read.values)) {
              expect(Object.hasOwn(schema, key)).toBe(true);
              expect(checkParam(schema[key], value)).toEqual({ value });
            }
            for (const m of read.messages) expect(m.length).toBeLessThan(400);
            expect(Object.getPrototypeOf(read.values)).toBe(Object.prototype);
          }
        }),
        { numRuns: 120 },
      );
    }
  });

  it('replaces only its own widget’s part of the hash', () => {
    expect(linkHash('#/lesson/a?x.k=1&y.k=2', 'x', { k: '3' })).toBe('#/lesson/a?y.k=2&x.k=3');
    expect(linkHash('#/lesson/a?x.k=1', 'x', {})).toBe('#/lesson/a');
  });

  it('keeps a link in the address in step with the settings shown, and leaves an address without one alone (issue 22, item 5)', () => {
    const LAB = '#/lesson/08-overfitting';
    const lesson = defaults(OVERFITTING_SCHEMA);
    const link = (trainCount: number) => (where: { origin: string; pathname: string; hash: string }) => settingsLink(where, 'overfitting-lab', OVERFITTING_SCHEMA, { ...lesson, trainCount }, lesson);
    const written: string[] = [];
    const address = (hash: string) => ({ ...at(hash), search: '?v=2' });
    // The address holds the 8000 of a copied link; the learner has since typed 1000, then the lesson's 200.
    keepLinkInStep('overfitting-lab', link(1000), address(`${LAB}?other.k=1&overfitting-lab.trainCount=8000`), (url) => written.push(url));
    keepLinkInStep('overfitting-lab', link(200), address(`${LAB}?other.k=1&overfitting-lab.trainCount=8000`), (url) => written.push(url));
    expect(written).toEqual([`/?v=2${LAB}?other.k=1&overfitting-lab.trainCount=1000`, `/?v=2${LAB}?other.k=1`]);
    // No settings of this widget in the address: nothing is written.
    keepLinkInStep('overfitting-lab', link(1000), address(`${LAB}?other.k=1`), (url) => written.push(url));
    keepLinkInStep('overfitting-lab', link(1000), address(LAB), (url) => written.push(url));
    expect(written).toHaveLength(2);
  });
});

describe('shareLink', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says the link was copied only when the clipboard took it; else it is in the address bar, and says so', async () => {
    const replaced: string[] = [];
    vi.stubGlobal('history', { replaceState: (_state: unknown, _title: string, url: string) => replaced.push(url) });
    const written: string[] = [];
    vi.stubGlobal('navigator', { clipboard: { writeText: async (text: string) => void written.push(text) } });
    expect(await shareLink('http://x/#/lesson/a?b.c=1')).toBe('clipboard');
    expect(written).toEqual(['http://x/#/lesson/a?b.c=1']);
    expect(sharedMessage('clipboard')).toBe('Link copied.');

    vi.stubGlobal('navigator', { clipboard: { writeText: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } });
    expect(await shareLink('http://x/#/lesson/a?b.c=2')).toBe('address bar');
    expect(replaced).toEqual(['http://x/#/lesson/a?b.c=2']);
    expect(sharedMessage('address bar')).toMatch(/in the address bar/);
    expect(sharedMessage('address bar')).not.toMatch(/copied\./);
  });
});
