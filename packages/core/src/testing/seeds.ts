import type { Budget, BudgetInput } from '../budgets/schema.js';
import type { Category } from '../categories/schema.js';
import type { OwnerHandle } from '../owner.js';
import type { Schedule, ScheduleCreate, ScheduleTemplateInput } from '../schedules/schema.js';
import type { TestClock } from './harness.js';

/*
 * Shared seed data of the test suites (not exported from `@expense-tracker/core/testing`): an
 * owner with budgets of every kind and schedules in every state, seeded the same way wherever
 * a test needs "everything at once". Budgets and schedules name their categories by key, so
 * one table serves every owner.
 */

/** The categories of a seeded owner: Food with its subcategory Groceries, Home, and Travel. */
export interface SeedCategories {
  readonly food: Category;
  readonly groceries: Category;
  readonly home: Category;
  readonly travel: Category;
}

/** A category of the seed, by key. */
export type SeedCategory = keyof SeedCategories;

/** A budget's input with the seed's category keys in place of category ids. */
export type BudgetSeed = Omit<BudgetInput, 'categoryIds'> & { readonly categories?: readonly SeedCategory[] };

/** A schedule's input whose template names the seed's category by key in place of its id. */
export type ScheduleSeed = Omit<ScheduleCreate, 'template'> & {
  readonly template: Omit<ScheduleTemplateInput, 'categoryId'> & { readonly category?: SeedCategory };
};

/**
 * The instants a seed moves the clock to: categories and budgets are created at the new year,
 * schedules on 1 May, and the seed leaves "now" at Sunday 10 May 2026, midday UTC.
 */
export const SEED_INSTANTS = {
  budgets: '2026-01-01T09:00:00Z',
  schedules: '2026-05-01T09:00:00Z',
  now: '2026-05-10T12:00:00Z',
} as const;

/**
 * A budget of every kind: category and overall scopes, a subcategory, weekly, monthly and yearly
 * periods, a custom range, three currencies, both rollovers; eight are active on 10 May 2026,
 * one starts in June, and two have ended.
 */
export const EVERY_KIND_OF_BUDGET: readonly BudgetSeed[] = [
  { name: 'Food surplus', amount: '300', categories: ['food'], rollover: 'surplus' },
  { name: 'All full', amount: '1000', rollover: 'full', startsOn: '2026-02-01' },
  {
    name: 'Groceries weekly',
    amount: '80',
    categories: ['groceries'],
    period: { unit: 'week', anchor: '2026-01-05' },
    rollover: 'full',
  },
  { name: 'EUR year', amount: '2000', currency: 'EUR', period: { unit: 'year', anchor: '2026-01-01' } },
  { name: 'Travel trip', amount: '500', categories: ['travel'], period: { start: '2026-05-01', end: '2026-06-15' } },
  { name: 'Home EUR', amount: '900', currency: 'EUR', categories: ['home'] },
  { name: 'Starts June', amount: '100', startsOn: '2026-06-01' },
  { name: 'Ended', amount: '50', endsOn: '2026-04-30' },
  { name: 'Winter', amount: '70', period: { start: '2026-01-01', end: '2026-01-31' } },
  { name: 'GBP surplus', amount: '100', currency: 'GBP', rollover: 'surplus' },
  { name: 'Food and home', amount: '600', categories: ['food', 'home'] },
];

/**
 * Schedules in every state, created on 1 May 2026: monthly posts (Rent on the 25th, Gym on the
 * 4th), a weekly post from Mondays (Basket), a bill to match (Power on the 8th), another
 * currency (Paris flat), a refund (Cashback), and one that is paused.
 */
export const EVERY_SCHEDULE: readonly ScheduleSeed[] = [
  {
    name: 'Rent',
    recurrence: { unit: 'month', anchor: '2026-01-25' },
    template: { amount: '1000.00', category: 'home' },
  },
  { name: 'Gym', recurrence: { unit: 'month', anchor: '2026-01-04' }, template: { amount: '30.00' } },
  {
    name: 'Basket',
    recurrence: { unit: 'week', anchor: '2026-01-05' },
    template: { amount: '25.00', category: 'groceries' },
  },
  {
    name: 'Power',
    mode: 'expect',
    recurrence: { unit: 'month', anchor: '2026-01-08' },
    template: { amount: '80.00', category: 'home' },
  },
  {
    name: 'Paris flat',
    recurrence: { unit: 'month', anchor: '2026-01-15' },
    template: { amount: '500.00', currency: 'EUR', category: 'home' },
  },
  {
    name: 'Cashback',
    recurrence: { unit: 'month', anchor: '2026-01-28' },
    template: { amount: '5.00', kind: 'refund', category: 'food' },
  },
  { name: 'Paused', enabled: false, recurrence: { unit: 'week', anchor: '2026-01-06' }, template: { amount: '9.00' } },
];

/** What {@link seedOwner} created, each in the order of its seed. */
export interface SeededOwner {
  readonly categories: SeedCategories;
  readonly budgets: readonly Budget[];
  readonly schedules: readonly Schedule[];
}

/** What {@link seedOwner} seeds: every kind of budget and every schedule unless told otherwise. */
export interface SeedOptions {
  readonly budgets?: readonly BudgetSeed[];
  readonly schedules?: readonly ScheduleSeed[];
}

/**
 * Seeds `owner` as the clock moves through {@link SEED_INSTANTS}: its categories and budgets
 * at the new year, its schedules on 1 May, and leaves the clock at 10 May 2026, 12:00 UTC,
 * with no spending yet.
 */
export async function seedOwner(owner: OwnerHandle, clock: TestClock, options: SeedOptions = {}): Promise<SeededOwner> {
  clock.set(SEED_INSTANTS.budgets);
  const food = await owner.categories.create({ name: 'Food' });
  const groceries = await owner.categories.create({ name: 'Groceries', parentId: food.id });
  const home = await owner.categories.create({ name: 'Home' });
  const travel = await owner.categories.create({ name: 'Travel' });
  const categories: SeedCategories = { food, groceries, home, travel };
  const budgets: Budget[] = [];
  for (const { categories: keys, ...budget } of options.budgets ?? EVERY_KIND_OF_BUDGET) {
    const categoryIds = keys?.map((key) => categories[key].id);
    budgets.push(await owner.budgets.create(categoryIds ? { ...budget, categoryIds } : budget));
  }

  clock.set(SEED_INSTANTS.schedules);
  const schedules: Schedule[] = [];
  for (const { template, ...schedule } of options.schedules ?? EVERY_SCHEDULE) {
    const { category, ...amount } = template;
    const withCategory = category ? { ...amount, categoryId: categories[category].id } : amount;
    schedules.push(await owner.schedules.create({ ...schedule, template: withCategory }));
  }

  clock.set(SEED_INSTANTS.now);
  return { categories, budgets, schedules };
}
