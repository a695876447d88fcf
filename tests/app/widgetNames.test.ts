import { describe, expect, it } from 'vitest';
import { widgetNames } from '../../src/app/widgetNames';
import { widgetRegistry } from '../../src/widgets/registry';

describe('widgetNames', () => {
  it('lists exactly the widgets the registry can load', () => {
    expect([...widgetNames].sort()).toEqual([...widgetRegistry.keys()].sort());
  });
});
