import { formatGoDuration, parseGoDuration } from '../../src/compiler/duration';

const nanos = (text: string) => {
  const result = parseGoDuration(text);
  if ('error' in result) {
    throw new Error(result.error);
  }
  return result.nanos;
};

describe('Go durations', () => {
  // Expected values from Go's time.ParseDuration / Duration.String.
  it.each([
    ['1h', 3600000000000n, '1h0m0s'],
    ['1h30m', 5400000000000n, '1h30m0s'],
    ['90s', 90000000000n, '1m30s'],
    ['1.5h', 5400000000000n, '1h30m0s'],
    ['2h45m30.5s', 9930500000000n, '2h45m30.5s'],
    ['300ms', 300000000n, '300ms'],
    ['1.5us', 1500n, '1.5µs'],
    ['0', 0n, '0s'],
    ['100h', 360000000000000n, '100h0m0s']
  ])('%s', (text, expected, formatted) => {
    expect(nanos(text)).toBe(expected);
    expect(formatGoDuration(expected)).toBe(formatted);
  });

  it.each(['', '1', 'h', '1d', '1h 30m', '.h', 'abc'])('rejects %j', text => {
    expect('error' in parseGoDuration(text)).toBe(true);
  });
});
