import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { neutraliseCell } from '../../expenses/csv-cells.js';
import type { OwnerHandle } from '../../owner.js';
import type { ExportQuery } from '../../analytics/schema.js';
import type { Expense } from '../../expenses/schema.js';
import { EXPORT_BATCH_SIZE, EXPORT_CHUNK_SIZE } from '../../expenses/export.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

const NOW = '2026-05-10T12:00:00Z';
const STAMP = '2026-05-10T12:00:00.000Z';
const HEADER = [
  'id',
  'date',
  'amount',
  'currency',
  'category',
  'categoryId',
  'description',
  'merchant',
  'tags',
  'notes',
  'createdAt',
  'updatedAt',
  'kind',
];

/** Every chunk of an export, in order. */
async function chunksOf(iterable: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

async function textOf(owner: OwnerHandle, query: ExportQuery): Promise<string> {
  return (await chunksOf(owner.export(query))).join('');
}

/** The records of a CSV export, header first. */
function csvRecords(text: string): string[][] {
  return parse(text);
}

/** The record delimiters of a CSV text: every line break outside a quoted field. */
function delimitersOf(text: string): string[] {
  return text.replace(/"(?:[^"]|"")*"/g, '').match(/\r\n|\r|\n/g) ?? [];
}

/** The ids of a JSON export. */
async function jsonIds(owner: OwnerHandle, query: ExportQuery): Promise<string[]> {
  return (JSON.parse(await textOf(owner, { ...query, format: 'json' })) as Expense[]).map((e) => e.id);
}

/** Export: CSV (RFC 4180, neutralised cells), JSON and NDJSON, filters, batches and owner isolation. */
export function exportTests(getEnv: () => ConformanceEnv): void {
  describe('export', () => {
    async function fixture() {
      const env = getEnv();
      env.clock.set(NOW);
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food & "Drink", Café' });
      const evil = await owner.categories.create({ name: '=Evil' });
      const [a, b, c, d] = await owner.expenses.createMany([
        {
          amount: '12.5',
          date: '2026-01-05',
          categoryId: food.id,
          description: 'Lunch, "big" one',
          merchant: 'Café Zürich 😀',
          tags: ['work', 'food'],
          notes: 'line 1\nline 2',
        },
        {
          amount: '1500',
          currency: 'JPY',
          date: '2026-01-06',
          categoryId: evil.id,
          description: '=SUM(A1:A9)',
          merchant: '+44 20 7946 0000',
          tags: ['@home'],
          notes: '-2+3',
        },
        {
          amount: '1.234',
          currency: 'KWD',
          date: '2026-01-07',
          description: '@SUM(1)',
          merchant: 'a=b',
          tags: ['x', '=y'],
          notes: "'already quoted\r\nsecond line",
        },
        { amount: '0.99', date: '2026-01-04', description: '1+1', merchant: 'mail@example.com', notes: 'cr\rinside' },
      ]);
      return { owner, food, evil, a: a!, b: b!, c: c!, d: d! };
    }

    it('CSV has the header and exactly the rows, oldest first, with decimal amounts, neutralised formula cells and CRLF record delimiters', async () => {
      const { owner, food, evil, a, b, c, d } = await fixture();
      const text = await textOf(owner, { format: 'csv' });
      expect(csvRecords(text)).toEqual([
        HEADER,
        [
          d.id,
          '2026-01-04',
          '0.99',
          'USD',
          '',
          '',
          '1+1',
          'mail@example.com',
          '',
          'cr\rinside',
          STAMP,
          STAMP,
          'expense',
        ],
        [
          a.id,
          '2026-01-05',
          '12.50',
          'USD',
          'Food & "Drink", Café',
          food.id,
          'Lunch, "big" one',
          'Café Zürich 😀',
          'work; food',
          'line 1\nline 2',
          STAMP,
          STAMP,
          'expense',
        ],
        [
          b.id,
          '2026-01-06',
          '1500',
          'JPY',
          "'=Evil",
          evil.id,
          "'=SUM(A1:A9)",
          "'+44 20 7946 0000",
          "'@home",
          "'-2+3",
          STAMP,
          STAMP,
          'expense',
        ],
        [
          c.id,
          '2026-01-07',
          '1.234',
          'KWD',
          '',
          '',
          "'@SUM(1)",
          'a=b',
          'x; =y',
          "'already quoted\r\nsecond line",
          STAMP,
          STAMP,
          'expense',
        ],
      ]);
      expect(text.startsWith(`${HEADER.join(',')}\r\n`)).toBe(true);
      // RFC 4180: records end with CRLF, and a field holding any line break is quoted.
      expect(delimitersOf(text)).toEqual(Array.from({ length: 5 }, () => '\r\n'));
      expect(text.endsWith('\r\n')).toBe(true);
    });

    it('neutraliseCell() prefixes cells that begin with = + - @, a tab or a carriage return, and leaves others untouched', () => {
      for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd'])
        expect(neutraliseCell(cell)).toBe(`'${cell}`);
      for (const cell of ['', 'Lunch', ' =1', 'a=b', "'=1", '1-1', 'x@y']) expect(neutraliseCell(cell)).toBe(cell);
    });

    it('JSON is an array equal to the listing, oldest first; NDJSON is one such object per line', async () => {
      const { owner } = await fixture();
      const listed = (await owner.expenses.list({ order: 'asc' })).items;
      expect(listed).toHaveLength(4);
      expect(JSON.parse(await textOf(owner, { format: 'json' }))).toEqual(listed);
      const ndjson = await textOf(owner, { format: 'ndjson' });
      const lines = ndjson.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(listed);
    });

    it('the listing filters apply: from/to, categoryId (with none), tag, q, currency and amounts', async () => {
      const { owner, food, evil, a, b, c, d } = await fixture();
      const cases: [ExportQuery, Expense[]][] = [
        [{ from: '2026-01-05', to: '2026-01-06' }, [a, b]],
        [{ categoryId: food.id }, [a]],
        [{ categoryId: 'none' }, [d, c]],
        [{ categoryId: [evil.id, 'none'] }, [d, b, c]],
        [{ tag: 'WORK' }, [a]],
        [{ q: 'zürich' }, [a]],
        [{ q: '"big"' }, [a]],
        [{ currency: 'jpy' }, [b]],
        [{ minAmount: '1', currency: 'USD' }, [a]],
        [{ from: '2026-02-01' }, []],
      ];
      for (const [query, expected] of cases) {
        expect(await jsonIds(owner, query)).toEqual(expected.map((e) => e.id));
      }
      const csv = csvRecords(await textOf(owner, { format: 'csv', currency: 'USD', to: '2026-01-05' }));
      expect(csv.map((record) => record[0])).toEqual(['id', d.id, a.id]);
    });

    it('an empty export is just the header, [] or nothing', async () => {
      const owner = getEnv().newOwner();
      expect(await textOf(owner, { format: 'csv' })).toBe(`${HEADER.join(',')}\r\n`);
      expect(await textOf(owner, {})).toBe(`${HEADER.join(',')}\r\n`);
      expect(await textOf(owner, { format: 'json' })).toBe('[]');
      expect(JSON.parse(await textOf(owner, { format: 'json' }))).toEqual([]);
      expect(await textOf(owner, { format: 'ndjson' })).toBe('');
    });

    it('bad options fail with VALIDATION_FAILED when the export is read', async () => {
      const owner = getEnv().newOwner();
      await owner.expenses.create({ amount: '1' });
      const iterable = owner.export({ format: 'xml' as 'csv' });
      await expectTrackerError(chunksOf(iterable), 'VALIDATION_FAILED', ['format']);
      await expectTrackerError(chunksOf(owner.export({ from: '2026-02-01', to: '2026-01-01' })), 'VALIDATION_FAILED', [
        'from',
      ]);
      // @ts-expect-error -- `limit` is no export option: the unknown key must be refused
      await expectTrackerError(chunksOf(owner.export({ limit: 10 })), 'VALIDATION_FAILED');
    });

    it('another owner’s export never contains these rows', async () => {
      const { owner, a, b, c, d } = await fixture();
      const other = getEnv().newOwner();
      expect(await textOf(other, { format: 'ndjson' })).toBe('');
      const mine = await other.expenses.create({ amount: '2', date: '2026-01-05' });
      for (const format of ['csv', 'json', 'ndjson'] as const) {
        const text = await textOf(other, { format });
        expect(text).toContain(mine.id);
        for (const e of [a, b, c, d]) expect(text).not.toContain(e.id);
      }
      expect(await jsonIds(owner, {})).toEqual([d.id, a.id, b.id, c.id]);
    });

    it('an export larger than one batch comes out complete, in order, without duplicates, in more than one chunk', async () => {
      const env = getEnv();
      env.clock.set(NOW);
      const owner = env.newOwner();
      const created: Expense[] = [];
      // Few distinct dates, so batch boundaries fall inside a date and the id decides the order.
      for (const [start, size] of [
        [0, 1000],
        [1000, 1000],
        [2000, 500],
      ] as const) {
        const batch = Array.from({ length: size }, (_, i) => ({
          amountMinor: start + i + 1,
          date: `2026-03-0${1 + ((start + i) % 3)}`,
        }));
        created.push(...(await owner.expenses.createMany(batch)));
      }
      const expected = created
        .slice()
        .sort((x, y) => (x.date !== y.date ? (x.date < y.date ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
        .map((e) => e.id);
      expect(new Set(expected).size).toBe(2500);

      const csvChunks = await chunksOf(owner.export({ format: 'csv' }));
      const records = csvRecords(csvChunks.join(''));
      expect(records[0]).toEqual(HEADER);
      expect(records.slice(1).map((r) => r[0])).toEqual(expected);
      expect(csvChunks.length).toBeGreaterThan(1);

      const ndjsonChunks = await chunksOf(owner.export({ format: 'ndjson' }));
      expect(ndjsonChunks.length).toBeGreaterThan(1);
      for (const chunk of ndjsonChunks) expect(chunk.split('\n').length - 1).toBeLessThanOrEqual(EXPORT_CHUNK_SIZE);
      const fromNdjson = ndjsonChunks
        .join('')
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as Expense);
      expect(fromNdjson.map((e) => e.id)).toEqual(expected);
      expect(fromNdjson.find((e) => e.id === created[1234]!.id)).toEqual(created[1234]);

      const jsonChunks = await chunksOf(owner.export({ format: 'json' }));
      expect(jsonChunks.length).toBeGreaterThan(1);
      expect((JSON.parse(jsonChunks.join('')) as Expense[]).map((e) => e.id)).toEqual(expected);
    });

    it(`reads lazily: one query of ${EXPORT_BATCH_SIZE} rows for the first ${EXPORT_BATCH_SIZE / EXPORT_CHUNK_SIZE} chunks, the next only once they are all taken`, async () => {
      const env = getEnv();
      const owner = env.newOwner();
      for (let i = 0; i < 3; i += 1)
        await owner.expenses.createMany(
          Array.from({ length: 1000 }, (_, j) => ({ amountMinor: i * 1000 + j + 1, date: '2026-02-01' })),
        );
      const list = vi.spyOn(env.store.expenses, 'list');
      try {
        const reads = () => list.mock.calls.filter(([ownerId]) => ownerId === owner.ownerId).length;
        const chunks = owner.export({ format: 'ndjson' })[Symbol.asyncIterator]();
        let rows = 0;
        const take = async (n: number) => {
          for (let i = 0; i < n; i += 1) {
            const chunk = await chunks.next();
            if (chunk.done) throw new Error('The export ended early');
            rows += chunk.value.split('\n').length - 1;
          }
        };
        await take(1);
        expect([reads(), rows]).toEqual([1, EXPORT_CHUNK_SIZE]);
        await take(EXPORT_BATCH_SIZE / EXPORT_CHUNK_SIZE - 1);
        expect([reads(), rows]).toEqual([1, EXPORT_BATCH_SIZE]); // a consumer that stops here holds one batch
        await take(1);
        expect([reads(), rows]).toEqual([2, EXPORT_BATCH_SIZE + EXPORT_CHUNK_SIZE]);
        await chunks.return?.();
        expect(reads()).toBe(2);
      } finally {
        list.mockRestore();
      }
    });
  });
}
