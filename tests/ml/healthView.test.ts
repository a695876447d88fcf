// The health view's pacing (src/ml/probes.ts): dead-ReLU readings only while it is on, at most once a second.
import { describe, expect, it } from 'vitest';
import { HealthView } from '../../src/ml/probes';

describe('HealthView', () => {
  it('reads dead ReLUs only while on, the first at once, then at most once a second', () => {
    const view = new HealthView();
    expect(view.deadReluDue(5000)).toBe(false);
    view.on = true;
    expect(view.deadReluDue(5000)).toBe(true);
    expect(view.deadReluDue(5600)).toBe(false);
    expect(view.deadReluDue(6000)).toBe(false);
    expect(view.deadReluDue(6001)).toBe(true);
    view.on = false;
    expect(view.deadReluDue(9000)).toBe(false);
  });
});
