import { varyOnEncoding } from '../../../src/response-compression';

describe('varyOnEncoding', () => {
  it.each([
    [undefined, 'Accept-Encoding'],
    ['Origin', 'Origin, Accept-Encoding'],
    [['Origin', 'Accept'], 'Origin, Accept, Accept-Encoding'],
    ['Origin, accept-encoding', 'Origin, accept-encoding'],
    ['*', '*'],
    [' Origin ,, ', 'Origin, Accept-Encoding'],
  ])('adds Accept-Encoding to %j once: %j', (vary, expected) => {
    expect(varyOnEncoding(vary)).toBe(expected);
  });
});
