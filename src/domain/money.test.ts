// Amounts as integer ten-thousandths: parsing and formatting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../shared/index.ts';
import { formatAmount, parseAmount } from './money.ts';

describe('parseAmount', () => {
  test('reads up to 4 decimals into ten-thousandths', () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['10', 100_000],
      ['10.5', 105_000],
      ['10.50', 105_000],
      ['1.2345', 12_345],
      ['0.0001', 1],
      ['0.001', 10],
      ['+3', 30_000],
      ['-2', -20_000],
      ['-0.0005', -5],
      ['-10.50', -105_000],
      [' 7.25 ', 72_500],
      ['007.5', 75_000],
    ];
    for (const [text, units] of cases) assert.equal(parseAmount('amount', text), units, text);
  });

  test('refuses bad input with an invalid_parameter error naming the parameter and quoting the value', () => {
    for (const text of ['', ' ', 'abc', '1.23456', '1,50', '1.', '.5', '1e3', '--1', '+-1', '1 000', '0x10', 'NaN', 'Infinity', '1.5€', '1234567890123']) {
      assert.throws(
        () => parseAmount('amount', text),
        (error: unknown) => {
          assert.ok(error instanceof PbxError, `expected a PbxError for '${text}'`);
          assert.equal(error.code, 'invalid_parameter');
          assert.match(error.message, /^Invalid amount '/);
          assert.ok(error.message.includes(`'${text}'`), error.message);
          return true;
        },
        text,
      );
    }
    assert.throws(() => parseAmount('credit', 'x'), /Invalid credit 'x'/);
  });

  test(
    'an amount is either refused or held exactly (a safe integer) and formats back unchanged',
    () => {
      for (const text of ['999999999999.9999', '-999999999999.9999', '900719925474.0993']) {
        let units: number;
        try {
          units = parseAmount('amount', text);
        } catch (error) {
          // Refusing an amount that cannot be held exactly is fine too.
          assert.ok(error instanceof PbxError && error.code === 'invalid_parameter', String(error));
          continue;
        }
        assert.ok(Number.isSafeInteger(units), `${text} -> ${units}`);
        assert.equal(formatAmount(units), text);
      }
    },
  );
});

describe('formatAmount', () => {
  test('shows at least two decimals and up to four when they matter', () => {
    const cases: Array<[number, string]> = [
      [0, '0.00'],
      [1, '0.0001'],
      [10, '0.001'],
      [100, '0.01'],
      [1_000, '0.10'],
      [10_000, '1.00'],
      [10_010, '1.001'],
      [10_200, '1.02'],
      [12_345, '1.2345'],
      [15_000, '1.50'],
      [105_000, '10.50'],
      [1_234_500, '123.45'],
      [-5, '-0.0005'],
      [-105_000, '-10.50'],
      [-20_000, '-2.00'],
    ];
    for (const [units, text] of cases) assert.equal(formatAmount(units), text, String(units));
  });

  test('formatAmount(parseAmount(x)) round-trips canonical amounts, and parseAmount(formatAmount(n)) returns n', () => {
    const texts = ['0.00', '0.0001', '0.01', '1.00', '1.50', '1.001', '1.2345', '-1.2345', '-0.10', '123456.78', '-98765.4321', '900719925474.0991', '-900719925474.0991'];
    for (const text of texts) assert.equal(formatAmount(parseAmount('amount', text)), text, text);
    for (let units = -20_050; units <= 20_050; units += 7) {
      assert.equal(parseAmount('amount', formatAmount(units)), units, String(units));
    }
    for (const units of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 123_456_789_012_345]) {
      assert.equal(parseAmount('amount', formatAmount(units)), units, String(units));
    }
  });
});
