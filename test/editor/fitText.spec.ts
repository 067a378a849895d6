import { fitText, NODE_TEXT, shorten } from '../../src/editor/fitText';

/** Every character 10 px wide. */
const measure = (s: string) => s.length * 10;

describe('shorten', () => {
  it('keeps text that fits', () => {
    expect(shorten('producer.ipynb', 140, measure)).toBe('producer.ipynb');
    expect(shorten('', 10, measure)).toBe('');
  });

  it('cuts the longest prefix that fits with the ellipsis', () => {
    const out = shorten('quay.io/jupyter/minimal-notebook:2024-10-07', 100, measure);
    expect(out).toBe('quay.io/j…');
    expect(measure(out)).toBeLessThanOrEqual(100);
  });

  it('drops trailing spaces before the ellipsis, and survives a width too small for anything', () => {
    expect(shorten('ab   cdefgh', 60, measure)).toBe('ab…');
    expect(shorten('abc', 5, measure)).toBe('…');
  });
});

describe('fitText', () => {
  it('gives up where nothing can measure text (jsdom): CSS clips instead', () => {
    expect(fitText('anything', NODE_TEXT.label)).toBeNull();
  });
});
