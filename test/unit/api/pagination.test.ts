/** Cursors are opaque, round-trip exactly, are refused when malformed or issued for another order, and are encoded only when read. */
import { GraphQLError } from 'graphql';
import 'reflect-metadata';
import { CustomerEdge } from '../../../resolvers/connections.type';
import { boundaryCursors, decodeCursor, encodeCursor, pageInfo, parseFirst } from '../../../resolvers/pagination';

// The sorts of loan:currentDpd (nullable), loan:disbursementDate and officer:name.
const DPD = { kind: 'int', nullable: true } as const;
const DISBURSEMENT_DATE = { kind: 'date', nullable: false } as const;
const NAME = { kind: 'text', nullable: false } as const;

describe('cursors', () => {
  it('round-trip the sort value and the id, NULL included', () => {
    const order = 'loan:currentDpd:DESC';
    expect(decodeCursor('after', encodeCursor(order, { value: '13', id: '1001' }), order, DPD)).toEqual({ value: '13', id: '1001' });
    expect(decodeCursor('after', encodeCursor(order, { value: null, id: '7' }), order, DPD)).toEqual({ value: null, id: '7' });
    expect(decodeCursor('after', null, order, DPD)).toBeNull();
  });

  it.each([
    ['garbage', 'not base64url JSON'],
    [Buffer.from('{"o":"loan:currentDpd:DESC","v":"13"}').toString('base64url'), 'no id'],
    [encodeCursor('loan:currentDpd:ASC', { value: '13', id: '1' }), 'another direction'],
    [encodeCursor('loan:currentDpd:DESC', { value: '13.5', id: '1' }), 'a value that is not an integer'],
    [encodeCursor('loan:currentDpd:DESC', { value: '13', id: '01' }), 'an id that is not a Django id'],
  ])('refuses %s (%s)', (raw) => {
    let error: unknown;
    try {
      decodeCursor('after', raw, 'loan:currentDpd:DESC', DPD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe(`after must be a cursor returned by this list for the same orderBy; got ${JSON.stringify(raw)}`);
    expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('accept a real calendar date and refuse a date-shaped value the calendar does not have', () => {
    const order = 'loan:disbursementDate:DESC';
    expect(decodeCursor('after', encodeCursor(order, { value: '2024-02-29', id: '5' }), order, DISBURSEMENT_DATE)).toEqual({ value: '2024-02-29', id: '5' });
    for (const value of ['2025-99-99', '0000-01-01', '2025-02-29']) {
      expect(() => decodeCursor('after', encodeCursor(order, { value, id: '5' }), order, DISBURSEMENT_DATE)).toThrow('after must be a cursor returned by this list for the same orderBy');
    }
  });

  it('refuse a NULL value on a sort that has none: it read as the NULL tail, and the page came back empty', () => {
    const order = 'loan:disbursementDate:DESC';
    const forged = encodeCursor(order, { value: null, id: '5' });
    expect(() => decodeCursor('after', forged, order, DISBURSEMENT_DATE)).toThrow(`after must be a cursor returned by this list for the same orderBy; got "${forged}"`);
  });

  it('accept any text but NUL, which PostgreSQL text cannot hold', () => {
    const order = 'officer:name:ASC';
    expect(decodeCursor('after', encodeCursor(order, { value: "O'Brien \u00e9 😀", id: '5' }), order, NAME)).toEqual({ value: "O'Brien \u00e9 😀", id: '5' });
    expect(() => decodeCursor('after', encodeCursor(order, { value: 'Ade\u0000', id: '5' }), order, NAME)).toThrow('after must be a cursor returned by this list for the same orderBy');
  });
});

describe('first', () => {
  it('defaults to 50 (or the maximum when smaller) and accepts 0..max', () => {
    expect(parseFirst('first', undefined, 500)).toBe(50);
    expect(parseFirst('first', null, 20)).toBe(20);
    expect(parseFirst('first', 500, 500)).toBe(500);
    expect(parseFirst('first', 0, 500)).toBe(0);
    expect(() => parseFirst('first', -1, 500)).toThrow('first must be an integer from 0 to 500; got -1');
    expect(() => parseFirst('first', 2.5, 500)).toThrow('first must be an integer from 0 to 500; got 2.5');
  });
});

describe('edges', () => {
  it('encode their cursor only when it is read, and pageInfo reads only the first and the last row', () => {
    const encoded: string[] = [];
    const cursorOf = (id: string): string => (encoded.push(id), `cursor-${id}`);
    const edges = ['a', 'b', 'c'].map((id) => new CustomerEdge({ id } as never, () => cursorOf(id)));
    expect(encoded).toEqual([]);
    const info = pageInfo(boundaryCursors(['a', 'b', 'c'], cursorOf), true, false);
    expect([info.startCursor, info.endCursor]).toEqual(['cursor-a', 'cursor-c']);
    expect(encoded).toEqual(['a', 'c']);
    expect(edges[1]!.cursor).toBe('cursor-b');
    expect(boundaryCursors([], cursorOf)).toEqual([]);
  });
});
