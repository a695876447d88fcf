import { checkValues, toQuery } from '../../ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../ml/hyperparams';

/**
 * Training settings carried in a link (`?learningRate=0.01&optimizer=sgd&model=mlp#/lesson/…`),
 * checked like anything typed: bad values are clamped or dropped, each with a message.
 */
export function readSharedSettings(search: string, models: ReadonlySet<string>): { values: Partial<Hyperparams>; model?: string; messages: string[] } {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    return { values: {}, messages: ['The settings in this link could not be read, so the lesson defaults are used.'] };
  }
  // No prototype: a "__proto__" key in a link must be reported, not silently swallowed.
  const raw: Record<string, unknown> = Object.create(null);
  let model: string | undefined;
  const messages: string[] = [];
  for (const [key, value] of params) {
    if (key === 'model') {
      if (models.has(value)) model = value;
      else messages.push(`The link asks for a model "${value}" that does not exist; using the lesson's model.`);
    } else {
      raw[key] = value;
    }
  }
  const checked = checkValues(TRAINING_SCHEMA, raw);
  return { values: checked.values, model, messages: [...messages, ...checked.messages].map((m) => `From the link: ${m}`) };
}

/** A link to this page with the settings that differ from the defaults. */
export function settingsLink(location: { origin: string; pathname: string; hash: string }, hyper: Hyperparams, model: string): string {
  const query = new URLSearchParams(toQuery(TRAINING_SCHEMA, hyper));
  query.set('model', model);
  return `${location.origin}${location.pathname}?${query.toString()}${location.hash}`;
}
