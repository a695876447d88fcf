import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import DigitPad from '../../../src/widgets/digits/DigitPad.svelte';

// Server-side rendering checks the markup a learner (and an end-to-end test) starts from;
// drawing itself needs a real canvas and is covered in the browser.
describe('DigitPad markup', () => {
  const predict = async () => null;

  it('renders the labelled pad, both buttons, the empty-pad prompt and ten bars', () => {
    const { body } = render(DigitPad, { props: { predict } });
    expect(body).toMatch(/<canvas[^>]*aria-label="Digit drawing pad"/);
    expect(body).toMatch(/<canvas[^>]*data-testid="digit-pad"/);
    expect(body).toMatch(/<button[^>]*>Undo<\/button>/);
    expect(body).toMatch(/<button[^>]*>Clear<\/button>/);
    expect(body).toMatch(/aria-live="polite"[^>]*>Draw a digit \(0–9\) in the box</);
    expect(body.match(/class="name[^"]*">\d</g)).toHaveLength(10);
  });

  it('shows the hint when given and starts with Undo and Clear disabled', () => {
    const { body } = render(DigitPad, { props: { predict, hint: 'Try a 7' } });
    expect(body).toContain('Try a 7');
    // The instructions come before the pad, which names them as its description.
    expect(body.indexOf('Try a 7')).toBeLessThan(body.indexOf('<canvas'));
    const hintId = /<p class="hint[^"]*" id="([^"]+)"/.exec(body)![1];
    expect(body).toMatch(new RegExp(`<canvas[^>]*aria-describedby="${hintId}"`));
    expect(body).toMatch(/<canvas[^>]*tabindex="0"/);
    expect(body).toMatch(/<button[^>]*disabled[^>]*>Undo</);
    expect(body).toMatch(/<button[^>]*disabled[^>]*>Clear</);
  });
});
